# error: cannot convert a function to JSON
# error: eval-fail-builtin-tojson-function.nix:3:18
builtins.toJSON (x: x)

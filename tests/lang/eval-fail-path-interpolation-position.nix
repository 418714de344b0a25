# error: cannot coerce a set to a string
# error: eval-fail-path-interpolation-position.nix:7:7
# In a path, a value that cannot be coerced is reported at its `${`.
let
  name = { };
in
./dir/${name}/file

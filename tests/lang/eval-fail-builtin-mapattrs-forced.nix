# error: the function failed for b
# A mapped name's value is the function's call: forcing it raises what the
# call raises.
let mapped = builtins.mapAttrs (name: value: if name == "b" then throw "the function failed for ${name}" else value) { a = 1; b = 2; };
in mapped.a + mapped.b

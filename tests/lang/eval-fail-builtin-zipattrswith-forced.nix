# error: the function failed for b
# A zipped name's value is the function's call: forcing it raises what the
# call raises.
let zipped = builtins.zipAttrsWith (name: values: if name == "b" then throw "the function failed for ${name}" else values) [ { a = 1; } { b = 2; } ];
in builtins.length zipped.a + builtins.length zipped.b

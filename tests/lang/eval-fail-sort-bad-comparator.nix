# error: value is a string while a Boolean was expected
builtins.sort (a: b: "x") [ 1 2 ]

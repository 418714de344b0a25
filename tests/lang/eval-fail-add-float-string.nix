# error: value is a string while a float was expected
builtins.add 2.5 "x"

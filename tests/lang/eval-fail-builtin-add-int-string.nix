# error: value is a string while an integer was expected
builtins.add 1 "x"

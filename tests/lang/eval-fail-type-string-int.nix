# error: value is a string while an integer was expected
builtins.bitAnd "a" 1

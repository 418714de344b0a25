# error: value is a float while a string was expected
builtins.stringLength 1.5

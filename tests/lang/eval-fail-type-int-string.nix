# error: value is an integer while a string was expected
builtins.stringLength 1

# error: cannot coerce a float to a string
builtins.stringLength 1.5

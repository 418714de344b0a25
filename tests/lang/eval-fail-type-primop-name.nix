# error: value is the built-in function 'add' while a set was expected
builtins.add.x

# error: value is the partially applied built-in function 'add' while a set was expected
(builtins.add 1).x

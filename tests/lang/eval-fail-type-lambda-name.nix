# error: value is a function while a set was expected
(x: x).a

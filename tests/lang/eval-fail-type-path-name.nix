# error: value is a path while a set was expected
(./x).a

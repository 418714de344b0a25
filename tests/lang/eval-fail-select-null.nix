# error: value is null while a set was expected
null.a

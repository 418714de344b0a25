# error: value is a list while a set was expected
[].a

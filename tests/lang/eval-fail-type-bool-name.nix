# error: value is a Boolean while a set was expected
true.a

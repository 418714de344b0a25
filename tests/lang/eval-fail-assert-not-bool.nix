# error: value is an integer while a Boolean was expected
assert 1; 1

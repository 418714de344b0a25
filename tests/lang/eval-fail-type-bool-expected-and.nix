# error: value is a string while a Boolean was expected
"x" && true

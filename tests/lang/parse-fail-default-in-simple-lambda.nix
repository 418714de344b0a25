# error: syntax error
x ? 1: x

# `1e3` lexes as the integer 1 followed by the identifier `e3`.
# error: undefined variable 'e3'
1e3

# `1.2.3` lexes as the floats 1.2 and .3: an application.
# error: attempt to call something which is not a function but a float
1.2.3

# An integer literal that does not fit in 64 bits is a syntax-level error.
# error: invalid integer '9223372036854775808'
9223372036854775808

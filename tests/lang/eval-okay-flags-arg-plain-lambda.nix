# A plain lambda is not auto-called.
x: x

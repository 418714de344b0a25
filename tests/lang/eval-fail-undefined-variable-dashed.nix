# `x-1` is one identifier.
# error: undefined variable 'x-1'
let x = 3; in x-1

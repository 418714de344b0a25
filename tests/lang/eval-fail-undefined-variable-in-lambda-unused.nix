# Undefined variables are reported even in code that is never evaluated.
# error: undefined variable 'nope'
let f = x: nope; in 1

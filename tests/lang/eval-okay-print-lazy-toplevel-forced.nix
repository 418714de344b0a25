# The top-level value itself is always forced.
let x = { a = 1; }; in x // { b = 2; }

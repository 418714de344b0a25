# error: while evaluating the attribute 'b'
# error: boom
let s = { a = 1; b = throw "boom"; }; in s.b

# error: boom
# error: while evaluating the attribute 'beta'
let s = { alpha = 1; beta = throw "boom"; }; g = n: s.${n}; in g "beta"

# error: attribute 'alphc' missing
# error: Did you mean one of alpha or alphb?
let s = { alpha = 1; alphb = 2; }; g = n: s.${n}; in g "alphc"

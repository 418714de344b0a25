# `e.${n}`, `e.${n} or d` and `e ? ${n}` where the set and the name are variables
# already evaluated (read in place), including a name no set was ever made with.
let
  s = { alpha = 1; beta = throw "boom"; gamma = { x = 2; }; };
  f = n: [ (s ? ${n}) (s.${n} or "dflt") ];
  g = n: s.${n};
in [ (f "alpha") (f "zzz-never-seen") (f "gamma") (g "alpha") (s.gamma.x) (let t = s; in t ? alpha) (let n = "gamma"; in s.${n}.x) ]

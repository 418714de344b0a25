# Closures keep only the scopes their text names (the lowering leaves the
# others out): names used only as attribute names, shadowed names, names
# behind a `with`, defaults that name other formals, and `rec` sets.
let
  a = 1;
  b = 2;
  onlyAttr = x: { a = x; }.a;
  shadow = a: a + 10;
  nested = let c = 3; in x: let d = 4; in y: x + y + c + d;
  outer = let unused = throw "never"; in x: x * b;
  withScope = with { w = 5; }; x: x + w + a;
  defaults = { p ? q + 1, q ? 2 }: p * q;
  recSet = rec { r = 1; s = t: t + r; u = v: v; };
  curried = x: y: z: [ x z ];
  inheritFrom = let src = { k = 7; }; in x: { inherit (src) k; } // { inherit x; };
in
[
  (onlyAttr 5)
  (shadow 1)
  (nested 1 2)
  (outer 3)
  (withScope 1)
  (defaults { })
  (defaults { q = 5; })
  (recSet.s 1)
  (recSet.u 9)
  (curried 1 2 3)
  (inheritFrom 0)
]

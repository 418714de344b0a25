# Every attribute an attribute path defines is positioned at the start of the path.
let
  s = {
    a.b.c = 1;
    x.y = 1;
    x.z = 2;
    p = { q = 3; };
    "m".n = 4;
  };
  at = pos: [ pos.line pos.column ];
in
[
  (at (builtins.unsafeGetAttrPos "c" s.a.b))
  (at (builtins.unsafeGetAttrPos "b" s.a))
  (at (builtins.unsafeGetAttrPos "a" s))
  (at (builtins.unsafeGetAttrPos "z" s.x))
  (at (builtins.unsafeGetAttrPos "q" s.p))
  (at (builtins.unsafeGetAttrPos "n" s.m))
]

let s = { a = 1; b.c = 2; }; in [ (s ? a) (s ? z) (s ? b.c) (s ? b.z) (s ? a.b) (1 ? a) ({ "x y" = 1; } ? "x y") (s ? ${"a"}) ]

let s = { a = { b = { c = "deep"; }; }; }; in [ s.a.b.c (s.a).b.c ({ x = 1; }.x) ]

let s = { a = 1; b.c = 2; }; in [ (s.a or 0) (s.z or 0) (s.b.c or 0) (s.b.z or "deflt") (s.a.b or "not-a-set") ]

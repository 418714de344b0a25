let s = { a = { b = 1; }; }; in [ (s.x.y.z or "d1") (s.a.x or s.a.b) (s.a.b or (throw "lazy")) ({ }.a or { }.b or "last") ]

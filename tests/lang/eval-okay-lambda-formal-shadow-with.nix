let f = { x ? "default" }: with { x = "with"; }; x; in [ (f {}) (f { x = "arg"; }) ]

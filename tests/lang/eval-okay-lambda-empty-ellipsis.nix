let f = { ... }: "any"; in [ (f {}) (f { x = 1; }) ]

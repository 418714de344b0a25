let f = { __functor = self: x: self.base + x; base = 10; }; in [ (f 1) (f 2) (builtins.isFunction f) (builtins.typeOf f) ]

# A __functor set is callable but isFunction says false.
builtins.isFunction { __functor = self: x: x; }

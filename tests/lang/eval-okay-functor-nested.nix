let counter = { n = 0; __functor = self: x: self // { n = self.n + x; }; }; in ((counter 1) 2).n

# foldl' forces the accumulator at every step.
builtins.tryEval (builtins.foldl' (a: b: if b == 2 then throw "forced" else b) 0 [ 1 2 3 ])

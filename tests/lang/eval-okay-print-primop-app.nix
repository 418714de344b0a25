[ (builtins.add 1) (builtins.map (x: x)) (builtins.foldl' (a: b: a) 0) ]

let l = builtins.genList (x: x) 100000; in [ (builtins.length l) (builtins.elemAt l 99999) (builtins.foldl' builtins.add 0 l) ]

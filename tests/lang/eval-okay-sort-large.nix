let l = builtins.genList (x: (x * 7919) - (x / 13) * 13 * 7919) 2000; s = builtins.sort builtins.lessThan l; in [ (builtins.head s) (builtins.elemAt s 1999) (builtins.length s) ]

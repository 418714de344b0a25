[ (builtins.deepSeq [ 1 2 { a = 3; } ] "forced") (builtins.tryEval (builtins.deepSeq [ 1 (throw "deep") ] 2)) (builtins.tryEval (builtins.seq [ 1 (throw "shallow") ] 2)) ]

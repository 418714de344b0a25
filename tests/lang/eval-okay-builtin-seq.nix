[ (builtins.seq 1 2) (builtins.tryEval (builtins.seq (throw "forced") 2)) (builtins.seq { a = throw "not deep"; } "shallow ok") ]

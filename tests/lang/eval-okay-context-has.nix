let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in
[ (builtins.hasContext "plain") (builtins.hasContext d.outPath) (builtins.hasContext "${d}") (builtins.hasContext (toString d)) (builtins.hasContext (builtins.toFile "f" "x")) ]

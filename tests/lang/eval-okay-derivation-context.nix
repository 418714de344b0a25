let d = derivation { name = "c"; system = "x86_64-linux"; builder = "/bin/sh"; }; in
[ (builtins.getContext d.outPath) (builtins.getContext d.drvPath) (builtins.getContext "${d}") ]

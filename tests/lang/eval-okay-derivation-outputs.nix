let d = derivation { name = "multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" "lib" ]; }; in
[ d.outputName d.dev.outputName d.lib.outPath d.dev.drvPath (builtins.attrNames d) d.outputs (d.dev.out.outPath == d.outPath) ]

let d = derivation { name = "hello"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo" ]; }; in
[ d.type d.name d.system d.outputName d.drvPath d.outPath (builtins.attrNames d) (toString d) ]

let
  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; };
  top = derivation { name = "top"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat ${dep}" ]; };
in [ top.drvPath top.outPath (builtins.attrNames (builtins.getContext top.drvPath)) ]

let
  a = derivation { name = "a"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  s = "${a} ${a.dev} ${a.drvPath}";
in builtins.getContext s

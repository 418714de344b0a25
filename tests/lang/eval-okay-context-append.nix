let
  d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; };
  key = builtins.unsafeDiscardStringContext d.drvPath;
  s = builtins.appendContext "plain" { ${key} = { outputs = [ "out" ]; }; };
  t = builtins.appendContext "plain" { ${key} = { allOutputs = true; path = true; }; };
in [ s (builtins.getContext s) (builtins.getContext t) ]

let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in builtins.hasContext (baseNameOf "${d}/bin/foo")

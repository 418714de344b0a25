let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in
builtins.getContext (builtins.unsafeDiscardOutputDependency d.drvPath)

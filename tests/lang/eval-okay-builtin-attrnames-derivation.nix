builtins.attrNames (derivation { name = "n"; system = "x"; builder = "/bin/sh"; extra = 1; })

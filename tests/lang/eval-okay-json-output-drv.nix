derivation { name = "j"; system = "x"; builder = "/bin/sh"; }

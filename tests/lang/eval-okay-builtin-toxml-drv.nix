builtins.toXML { d = derivation { name = "x"; system = "x"; builder = "/bin/sh"; }; }

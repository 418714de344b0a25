with builtins; map typeOf [ 1 1.0 "s" ./p null true [] {} (x: x) add (add 1) (derivation { name = "x"; system = "x"; builder = "/bin/sh"; }) ]

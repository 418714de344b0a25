let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; s = builtins.unsafeDiscardStringContext "x${d}"; in
[ (builtins.hasContext s) (builtins.getContext s) s ]

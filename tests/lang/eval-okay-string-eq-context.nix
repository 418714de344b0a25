# Equality of strings ignores context.
let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in "${d}" == builtins.unsafeDiscardStringContext "${d}"

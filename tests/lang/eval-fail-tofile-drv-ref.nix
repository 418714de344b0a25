# error: in 'toFile': the file 'f' cannot refer to derivation outputs
let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in builtins.toFile "f" "${d}"

# error: in 'toFile': the file named 'f' must not contain a reference to a derivation
let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in builtins.toFile "f" "${d}"

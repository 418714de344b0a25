# A string with context can not be an attribute name.
# error: is not allowed to refer to a store path (such as '!out!/nix/store/
let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; in { "${d}" = 1; }

let s = { outPath = "/some/path"; }; in [ "${s}" (toString s) (builtins.typeOf "${s}") ]

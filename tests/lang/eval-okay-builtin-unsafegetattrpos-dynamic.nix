let p = builtins.unsafeGetAttrPos "x" (builtins.listToAttrs [ { name = "x"; value = 1; } ]); in [ p.line p.column (baseNameOf p.file) ]

let p = builtins.unsafeGetAttrPos "b" (import ./lib/pos.nix); in [ p.line p.column (baseNameOf p.file) (builtins.unsafeGetAttrPos "zz" { a = 1; }) ]

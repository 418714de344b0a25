let p = (import ./lib/curpos.nix).pos; in [ p.line p.column (baseNameOf p.file) ]

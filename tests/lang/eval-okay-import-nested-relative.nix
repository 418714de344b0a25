[ (import ./lib/relative.nix).answer (import ./lib/subdir/up.nix).list ]

# scopedImport can shadow builtins such as `toString`.
(scopedImport { magic = 1; toString = x: "overridden"; } ./lib/scoped.nix) ++ [ (scopedImport { } ./lib/value.nix).answer ]

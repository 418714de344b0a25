# error: undefined variable 'undefinedInScope'
scopedImport { } ./lib/scoped-undefined.nix

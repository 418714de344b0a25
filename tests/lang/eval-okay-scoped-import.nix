scopedImport { magic = "abracadabra"; } ./lib/scoped.nix

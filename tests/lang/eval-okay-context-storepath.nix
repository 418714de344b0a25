let p = builtins.toFile "sp" "x"; s = builtins.storePath (builtins.unsafeDiscardStringContext p); in [ (s == p) (builtins.getContext s) ]

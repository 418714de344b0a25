# builtins.readFileType (Nix 2.14): "regular", "directory", "symlink" or "unknown", as readDir reports.
map builtins.readFileType [ ../lib/data.txt ../lib/dir ../lib/dir/link ]

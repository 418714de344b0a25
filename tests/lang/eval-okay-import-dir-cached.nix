# A directory, its default.nix and the directory again: the cache is keyed by
# the path as written and by the file it means.
[ (import ./lib) (import ./lib/default.nix) (import ./lib) (import ./lib/default.nix) ]

# string + path: a string; the path is copied into the store.
let s = "prefix-" + ./lib/data.txt; in [ (builtins.typeOf s) (builtins.substring 0 7 s) (builtins.hasContext s) ]

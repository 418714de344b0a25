# Interpolating a path copies it to the store.
let s = "${./lib/data.txt}"; in [ (builtins.stringLength s > 44) (builtins.hasContext s) (baseNameOf s) ]

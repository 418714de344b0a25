# path + string stays a path (prints relative-independent via baseNameOf).
let p = ./lib + "/data.txt"; in [ (builtins.typeOf p) (baseNameOf p) (builtins.readFile p) ]

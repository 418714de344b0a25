# Attribute values are lazy: a throwing one does not matter unless forced.
let s = { a = throw "lazy"; b = 2; }; in [ s.b (builtins.attrNames s) (builtins.length [ (throw "x") ]) ]

# Used with scopedImport: the scope's names shadow builtins and constants, and
# win over the file's own `with`; names the scope lacks fall back to the base
# environment, then to the file's `with`.
[
  (toString 5)
  (builtins.length [ 1 2 3 ])
  true
  (with { magic = 2; only = "from with"; }; [ magic only ])
  (map (x: x + 1) [ 1 ])
  (let magic = 3; in magic)
  fromScope
]

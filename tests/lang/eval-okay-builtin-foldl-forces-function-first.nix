# foldl' forces its function before its list, also when the list is empty,
# as Nix does: a throwing function wins over a throwing list and over an
# empty list's result.
with builtins;
[
  (tryEval (foldl' (throw "function") 0 [ ]))
  (tryEval (foldl' (throw "function") 0 (throw "list")))
  (tryEval (foldl' (x: y: x + y) 0 (throw "list")))
  (foldl' { __functor = self: a: b: a + b; } 0 [ 1 2 3 ])
  (foldl' (a: b: a + b) 0 [ ])
]

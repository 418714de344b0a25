# Builtins that take a function and a list force the function first, as
# Nix does: a `throw` there is caught by tryEval before an `abort` in the
# list could end the evaluation; zipAttrsWith and foldl' force it even for
# an empty list. elemAt forces its index before its list.
with builtins;
let
  caught = f: (tryEval (f (throw "function") (abort "list"))).success;
in
[
  (caught filter)
  (caught sort)
  (caught all)
  (caught any)
  (caught concatMap)
  (caught partition)
  (caught groupBy)
  (caught zipAttrsWith)
  (tryEval (zipAttrsWith (throw "function") [ ]))
  (tryEval (map (throw "function") [ ]))
  (tryEval (elemAt (abort "list") (throw "index")))
]

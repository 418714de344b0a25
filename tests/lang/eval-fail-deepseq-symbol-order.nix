# error: cannot add a string to an integer
# error: eval-fail-deepseq-symbol-order.nix:6:69
# deepSeq forces a set's values in the order Nix keeps names, not alphabetically: `name` (created
# at start-up) comes before `a`, so the type error wins over the throw and tryEval cannot
# catch it.
builtins.tryEval (builtins.deepSeq { a = throw "caught"; name = 1 + "x"; } true)

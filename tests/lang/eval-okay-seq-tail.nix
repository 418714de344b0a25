# `seq a b` and `deepSeq a b` written out in full: `a` is forced first, `b` is
# the result (also a function, also applied further); a strict loop
# written with them gives the same result as Nix.
let
  loop = n: acc: if n == 0 then acc else builtins.seq acc (loop (n - 1) (acc + n));
  deep = n: acc: if n == 0 then acc else builtins.deepSeq acc (deep (n - 1) { v = acc.v + 1; });
  s = builtins.seq;
in
[
  (loop 20000 0)
  (deep 1000 { v = 0; }).v
  (builtins.seq 1 (x: x * 2) 21)
  ((builtins.seq null builtins.add) 1 2)
  (s 1 2)
  (builtins.tryEval (builtins.seq (throw "first") (throw "second")))
  (builtins.tryEval (builtins.deepSeq [ { a = throw "inner"; } ] 1))
  (builtins.tryEval (builtins.seq 1 (throw "second")))
  (builtins.seq { a = throw "not forced"; } "shallow")
]

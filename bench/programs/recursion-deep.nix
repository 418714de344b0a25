# Non-tail recursion 20000 frames deep, repeated over a list walked by index.
let
  depth = 20000;
  xs = builtins.genList (i: i * 3) depth;
  sumFrom = i: if i == depth then 0 else builtins.elemAt xs i + sumFrom (i + 1);
  count = k: if k == 0 then 0 else 1 + count (k - 1);
  rounds = builtins.genList (r: sumFrom 0 + count (depth - r)) 20;
in
{
  total = builtins.foldl' (a: b: a + b) 0 rounds;
  depth = count depth;
}

# A strict left fold over half a million elements, accumulating a small attribute set.
# Both fields are forced at each step so no thunk chain builds up.
let
  step = acc: x:
    let
      sum = acc.sum + x;
      odd = if x - (x / 2) * 2 == 1 then acc.odd + 1 else acc.odd;
    in
    builtins.seq sum (builtins.seq odd { inherit sum odd; });
  result = builtins.foldl' step { sum = 0; odd = 0; } (builtins.genList (i: i) 500000);
in
result

# A hand-written top-down merge sort over 10000 integers, using only list primitives.
let
  lcg = i: (i * 1103515245 + 12345) - ((i * 1103515245 + 12345) / 2147483648) * 2147483648;
  xs = builtins.genList lcg 10000;
  take = n: list: builtins.genList (builtins.elemAt list) n;
  drop = n: list: builtins.genList (i: builtins.elemAt list (i + n)) (builtins.length list - n);
  merge = a: b:
    let
      la = builtins.length a;
      lb = builtins.length b;
      go = i: j:
        if i == la then drop j b
        else if j == lb then drop i a
        else
          let x = builtins.elemAt a i; y = builtins.elemAt b j; in
          if x <= y then [ x ] ++ go (i + 1) j else [ y ] ++ go i (j + 1);
    in go 0 0;
  sort = list:
    let len = builtins.length list; half = len / 2; in
    if len < 2 then list else merge (sort (take half list)) (sort (drop half list));
  sorted = sort xs;
in
{
  first = builtins.head sorted;
  last = builtins.elemAt sorted 9999;
  same = sorted == builtins.sort (a: b: a < b) xs;
}

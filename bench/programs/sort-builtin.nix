# builtins.sort of 100000 pseudo-random integers (a linear congruential sequence).
let
  lcg = i: (i * 1103515245 + 12345) - ((i * 1103515245 + 12345) / 2147483648) * 2147483648;
  xs = builtins.genList lcg 100000;
  sorted = builtins.sort (a: b: a < b) xs;
in
{
  first = builtins.head sorted;
  last = builtins.elemAt sorted (builtins.length sorted - 1);
  middle = builtins.elemAt sorted 50000;
}

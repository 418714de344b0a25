# A fold that builds a set by repeated `//`, then overwrites half of it the same way.
let
  n = 3000;
  build = builtins.foldl' (acc: i: acc // { "a${toString i}" = i; }) { } (builtins.genList (i: i) n);
  rebuilt = builtins.foldl' (acc: i: acc // { "a${toString (i * 2)}" = 0; }) build (builtins.genList (i: i) (n / 2));
in
{
  size = builtins.length (builtins.attrNames rebuilt);
  sum = builtins.foldl' (a: b: a + b) 0 (builtins.attrValues rebuilt);
}

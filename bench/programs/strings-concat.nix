# String building: `+` in a fold, concatStrings, concatStringsSep and interpolation.
let
  n = 100000;
  parts = builtins.genList (i: "item-${toString i};") n;
  viaPlus = builtins.foldl' (acc: s: acc + s) "" (builtins.genList (i: builtins.elemAt parts i) 10000);
  viaConcat = builtins.concatStringsSep "," parts;
  viaInterp = builtins.foldl' (acc: i: "${acc}${toString (i * i)}") "" (builtins.genList (i: i) 10000);
in
{
  plus = builtins.stringLength viaPlus;
  concat = builtins.stringLength viaConcat;
  interp = builtins.stringLength viaInterp;
  hash = builtins.hashString "sha256" viaConcat;
}

# replaceStrings, substring and splitting over a long generated text.
let
  words = [ "alpha" "beta" "gamma" "delta" "epsilon" "zeta" "eta" "theta" ];
  text = builtins.concatStringsSep " " (builtins.genList (i: builtins.elemAt words (i - (i / 8) * 8)) 100000);
  replaced = builtins.replaceStrings [ "alpha" "eta" " " ] [ "A" "H" "_" ] text;
  again = builtins.replaceStrings [ "A_" "_H" ] [ "a-" "-h" ] replaced;
  chars = builtins.genList (i: builtins.substring (i * 7) 1 again) 40000;
  vowels = builtins.length (builtins.filter (c: c == "a" || c == "e") chars);
  pieces = builtins.filter builtins.isString (builtins.split "_" again);
in
{
  length = builtins.stringLength again;
  inherit vowels;
  pieces = builtins.length pieces;
}

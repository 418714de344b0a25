# Strata's strings are UTF-8. An empty pattern in builtins.replaceStrings matches before every
# character and at the end; Nix (2.8 and current) moves on byte by byte, so on "α" it puts the
# replacement between the character's two bytes and makes a string that is not UTF-8. Strata
# keeps each character whole. Plain ASCII subjects give Nix's result.
let
  results =
    [
      (builtins.replaceStrings [ "" ] [ "-" ] "α")
      (builtins.stringLength (builtins.replaceStrings [ "" ] [ "-" ] "α"))
      (builtins.replaceStrings [ "" ] [ "-" ] "aβc€😀")
      (builtins.replaceStrings [ "" "nix" ] [ "A" "--" ] "a nix α")
      (builtins.replaceStrings [ "" ] [ "-" ] "ab")
      (builtins.replaceStrings [ "" ] [ "-" ] "")
      (builtins.replaceStrings [ "β" ] [ "b" ] "αβγ")
    ];
in
builtins.deepSeq results results

# Strata's strings are UTF-8. builtins.substring counts bytes, as Nix does, but where the range
# cuts a multi-byte character Nix returns the loose bytes (a string that is not UTF-8) and
# Strata returns U+FFFD REPLACEMENT CHARACTER for each cut piece. Whole characters and
# stringLength of uncut strings agree with Nix.
let
  results =
    [
      (builtins.substring 0 1 "α")
      (builtins.substring 1 1 "α")
      (builtins.substring 0 2 "α")
      (builtins.stringLength "aβc")
      (builtins.substring 1 2 "aβc")
      (builtins.substring 1 3 "€uro")
    ];
in
builtins.deepSeq results results

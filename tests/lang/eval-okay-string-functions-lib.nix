let
  hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
  splitString = sep: s: builtins.filter builtins.isString (builtins.split (builtins.replaceStrings [ "." ] [ "\\." ] sep) s);
  concatMapStrings = f: l: builtins.concatStringsSep "" (map f l);
in [ (hasPrefix "foo" "foobar") (hasPrefix "bar" "foobar") (splitString "." "a.b.c") (concatMapStrings (x: x + x) [ "a" "b" ]) ]

lib:
{
  concatStrings = lib.concatStrings [ "a" "b" ];
  concatMapStrings = lib.concatMapStrings (x: x + ";") [ "a" "b" ];
  concatImapStrings = lib.concatImapStrings (i: x: "${toString i}-${x}") [ "a" "b" ];
  intersperse = [ (lib.intersperse "/" [ "a" "b" "c" ]) (lib.intersperse "/" [ "a" ]) (lib.intersperse "/" [ ]) ];
  sep = lib.concatStringsSep ", " [ "a" "b" ];
  mapSep = lib.concatMapStringsSep "-" (x: x + "x") [ "a" "b" ];
  imapSep = lib.concatImapStringsSep "-" (i: x: x + toString i) [ "a" "b" ];
  attrsSep = lib.concatMapAttrsStringSep "\n" (n: v: "${n}=${v}") { b = "2"; a = "1"; };
  lines = [ (lib.concatLines [ "a" "b" ]) (lib.concatLines [ ]) ];
  join = lib.strings.join "," [ "x" "y" ];
  replicate = [ (lib.strings.replicate 3 "ab") (lib.strings.replicate 0 "ab") ];
  optionalString = [ (lib.optionalString true "x") (lib.optionalString false "x") ];
  replaceString = lib.replaceString "a" "o" "banana";
}

lib:
{
  splitStringMulti = lib.splitString "ab" "xabyabab";
  splitStringRegexChars = lib.splitString "." "a.b..c";
  concatMapStringsSepEmpty = lib.concatMapStringsSep "," (x: x) [ ];
  escapeShellArgUnicode = lib.escapeShellArg "é";
  removePrefixWhole = lib.removePrefix "abc" "abc";
  removeSuffixLonger = lib.removeSuffix "xabc" "abc";
  trimInner = lib.trim "  a \n b  ";
  toUpperUnicode = lib.toUpper "é-a";
  fixedWidthMultiFiller = lib.fixedWidthString 6 "ab" "xy";
  intersperseOne = lib.intersperse 0 [ 1 ];
  hasInfixSpecial = [ (lib.hasInfix "[a]" "x[a]y") (lib.hasInfix "*" "a*b") (lib.hasInfix "\\" "a\\b") ];
  toIntWhitespace = lib.toInt "\n\t 42 \n";
  nameWithDashes = lib.getName "foo-bar-baz-1.2.3";
  versionNoVersion = lib.getVersion "foo-bar";
  escapeURLUnicode = lib.escapeURL "ä b";
  camelNumbers = lib.toCamelCase "foo-2-bar";
}

lib:
{
  hasPrefix = [ (lib.hasPrefix "foo" "foobar") (lib.hasPrefix "bar" "foobar") (lib.hasPrefix "" "x") (lib.hasPrefix "long" "lo") ];
  hasSuffix = [ (lib.hasSuffix "bar" "foobar") (lib.hasSuffix "foo" "foobar") (lib.hasSuffix "" "x") (lib.hasSuffix "xlong" "long") ];
  hasInfix = [ (lib.hasInfix "bc" "abcd") (lib.hasInfix "x" "abcd") (lib.hasInfix "" "a") (lib.hasInfix "." "a.b") (lib.hasInfix "(" "ab") (lib.hasInfix "a\nb" "xa\nby") ];
  removePrefix = [ (lib.removePrefix "foo." "foo.bar.baz") (lib.removePrefix "xxx" "foo.bar") (lib.removePrefix "" "a") ];
  removeSuffix = [ (lib.removeSuffix "front" "homefront") (lib.removeSuffix "xxx" "homefront") (lib.removeSuffix "" "a") ];
  pathPrefix = builtins.tryEval (lib.hasPrefix ./. "/x");
  commonPrefixLength = [ (lib.strings.commonPrefixLength "abcd" "abxy") (lib.strings.commonPrefixLength "" "a") ];
  commonSuffixLength = [ (lib.strings.commonSuffixLength "xycd" "abcd") (lib.strings.commonSuffixLength "a" "b") ];
}

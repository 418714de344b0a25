lib:
{
  escape = lib.escape [ "(" ")" ] "(foo)";
  escapeRegex = lib.escapeRegex "[^a-z]*.(x)|y+?$";
  escapeShellArg = map lib.escapeShellArg [ "esc'ape" "simple" "a b" "" "x/y-z_1.2:3@%+," "$HOME" 12 ];
  escapeShellArgs = lib.escapeShellArgs [ "one" "two three" "four'five" ];
  escapeNixString = map lib.strings.escapeNixString [ "foo" "a\"b" "\${x}" "a\nb" ];
  escapeNixIdentifier = map lib.strings.escapeNixIdentifier [ "foo" "foo-bar" "0abc" "a b" "if" "with" "true" "_x'" ];
  escapeXML = lib.escapeXML "\"test\" 'test' < & >";
  escapeURL = map lib.escapeURL [ "foo/bar baz" "?a=b&c=d#e" "-_.~AZaz09" "100%" ];
  escapeC = lib.strings.escapeC [ " " "\n" ] "foo bar\n";
  charToInt = map lib.strings.charToInt [ "a" "A" " " "~" "\n" "\t" "0" ];
  isValidPosixName = map lib.isValidPosixName [ "foo" "_x1" "1x" "a-b" "" ];
}

lib:
{
  trim = map lib.trim [ "  hello  " "\n\t x y \r\n" "" "   " "abc" ];
  trimStart = lib.trimWith { start = true; } "  x  ";
  trimEnd = lib.trimWith { end = true; } "  x  ";
  trimNone = lib.trimWith { } "  x  ";
  toLower = lib.toLower "HeLLo 1!";
  toUpper = lib.toUpper "HeLLo 1!";
  sentence = map lib.toSentenceCase [ "hello WORLD" "" "a" ];
  camel = map lib.toCamelCase [ "hello-world" "hello_world" "hello world" "HelloWorld" "HTTPServer" "fooBar" "a--b" "-a" "Hello_World-foo bar" "x" "" "ABC" "aBC_dEF" ];
  lowerChars = lib.lowerChars;
  upperChars = builtins.length lib.upperChars;
}

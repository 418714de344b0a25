with builtins; [
  (replaceStrings [ "o" ] [ "0" ] "foo boo")
  (replaceStrings [ "ab" "a" ] [ "X" "Y" ] "aab ab a")
  (replaceStrings [ "" ] [ "-" ] "abc")
  (replaceStrings [ "a" "" ] [ "A" "_" ] "bab")
  (replaceStrings [] [] "same")
  (replaceStrings [ "x" ] [ "yy" ] "")
  (replaceStrings [ "oo" ] [ "o" ] "foooo")
]

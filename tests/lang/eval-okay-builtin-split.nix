with builtins; [
  (split "(a)b" "abc")
  (split "([ac])" "abc")
  (split "(a)|(c)" "abc")
  (split "([[:upper:]]+)" "  FOO   ")
  (split "," "a,b,,c")
  (split "x" "")
  (split "(x)?" "ab")
]

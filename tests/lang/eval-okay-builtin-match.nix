with builtins; [
  (match "a(b)c" "abc")
  (match "abc" "abc")
  (match "ab" "abc")
  (match "(a)(x)?(c)?" "ac")
  (match "([0-9]+)\\.([0-9]+)" "12.345")
  (match ".*" "")
  (match "[[:alpha:]]+" "hello")
  (match "(.*)-(.*)" "a-b-c")
  (match "foo" "xfoox")
  (match "(a|b)*" "abab")
]

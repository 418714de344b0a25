with builtins; [ (match "a\\.b" "a.b") (match "a.b" "axb") (match "[^/]+" "abc") (match "x{2,3}" "xxx") (match "(\\.[a-z]+)+" ".tar.gz") (match "^ab$" "ab") ]

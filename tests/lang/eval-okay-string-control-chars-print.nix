# How control characters and `$` are escaped when printed.
[ "a\tb" "\n" "\r" "${"$"}{x}" "$" "\\" "\"" ("x" + "\u0001") ]

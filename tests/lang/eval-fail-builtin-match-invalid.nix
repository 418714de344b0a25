# error: invalid regular expression '('
builtins.match "(" "x"

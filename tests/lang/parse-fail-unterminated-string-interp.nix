# error: syntax error, unexpected end of file, expecting '"'
# error: parse-fail-unterminated-string-interp.nix:3:28
{ a = 1; b = "x${toString 2}
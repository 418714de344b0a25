# error: syntax error, unexpected end of file, expecting '}'
# error: parse-fail-interpolation-eof.nix:3:12
{ a = "x${1

# error: syntax error, unexpected end of file
# error: parse-fail-eof-position.nix:3:11
let x = 1;



# error: syntax error, unexpected end of file
let a = 1;

# error: syntax error, unexpected end of file, expecting IN
let a = 1;

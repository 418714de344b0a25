# error: syntax error, unexpected end of file, expecting '"'
"abc

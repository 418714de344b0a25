# error: syntax error, unexpected end of file, expecting ';'
assert true
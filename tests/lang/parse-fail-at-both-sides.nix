# error: syntax error, unexpected '@', expecting ':'
a@{ x }@b: x

# error: syntax error, unexpected ')'
(1 + )

# error: syntax error, unexpected '*'
1 /* never closed

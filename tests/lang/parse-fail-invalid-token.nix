# error: syntax error, unexpected invalid token, expecting end of file
1 ~ 2
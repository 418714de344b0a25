# error: syntax error, unexpected ')', expecting end of file
1 )
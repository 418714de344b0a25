# error: syntax error, unexpected end of file
if true then
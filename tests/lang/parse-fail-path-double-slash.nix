# error: syntax error, unexpected PATH_END, expecting DOLLAR_CURLY
./a//b

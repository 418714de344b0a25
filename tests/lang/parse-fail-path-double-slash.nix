# error: syntax error, unexpected PATH_END
./a//b

# error: syntax error
./a/

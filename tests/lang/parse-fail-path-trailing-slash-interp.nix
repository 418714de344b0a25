# error: path has a trailing slash
./a/

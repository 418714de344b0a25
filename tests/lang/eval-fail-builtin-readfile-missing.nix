# error: opening file
# error: lib/no-such-file': No such file or directory
builtins.readFile ./lib/no-such-file

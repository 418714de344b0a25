# builtins.readFileType (Nix 2.14) of a missing path is an error.
# error: No such file or directory
builtins.readFileType ../lib/no-such-file

# nix-instantiate --eval is read-only: toFile computes the path but does not write it.
[ (builtins.toFile "hello.txt" "Hello, World!\n") (builtins.toFile "empty" "") ]

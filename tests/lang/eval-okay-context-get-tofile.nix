builtins.getContext (builtins.toFile "ctx" "hello")

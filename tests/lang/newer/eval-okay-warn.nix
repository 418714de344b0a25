# builtins.warn (Nix 2.23): prints "evaluation warning: MSG" on stderr and returns its second argument.
builtins.warn "this is a warning" [ 1 2 ]

# builtins.warn (Nix 2.23) requires a string message.
# error: while a string was expected
builtins.warn 1 2

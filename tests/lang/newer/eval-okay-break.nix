# builtins.break (Nix 2.9): outside the debugger it is the identity.
[ (builtins.break 1) (builtins.break "s") ]

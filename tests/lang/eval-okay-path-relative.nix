# Paths print absolute, so only print properties independent of the checkout location.
[ (builtins.typeOf ./foo) (baseNameOf ./foo/bar.nix) (baseNameOf ./.) (builtins.isPath ./x) (builtins.isPath "./x") ]

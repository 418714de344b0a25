[ (baseNameOf "/a/b/c") (baseNameOf "/a/b/") (baseNameOf "a") (baseNameOf "") (baseNameOf "/") (baseNameOf /x/y.nix) (builtins.typeOf (baseNameOf /x/y)) ]

let p = ./lib + ./lib; in [ (builtins.typeOf p) (baseNameOf p) ]

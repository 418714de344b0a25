[ (builtins.length builtins.nixPath) (builtins.head builtins.nixPath).prefix (baseNameOf (builtins.head builtins.nixPath).path) ]

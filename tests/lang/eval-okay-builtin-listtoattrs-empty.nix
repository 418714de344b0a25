[ (builtins.listToAttrs [ ]) (builtins.attrNames (builtins.listToAttrs [ { name = "z"; value = 1; } { name = "a"; value = 2; } ])) ]

with builtins; [ (attrNames { b = 1; a = 2; c = 3; }) (attrNames {}) (attrNames { "z z" = 1; Z = 2; }) ]

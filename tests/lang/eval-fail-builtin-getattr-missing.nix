# error: attribute 'b' missing for call to 'getAttr'
builtins.getAttr "b" { a = 1; }

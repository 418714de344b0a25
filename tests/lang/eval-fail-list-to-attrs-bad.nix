# error: attribute 'value' missing for call to 'listToAttrs'
builtins.listToAttrs [ { name = "a"; } ]

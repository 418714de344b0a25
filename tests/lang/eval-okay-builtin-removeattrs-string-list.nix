builtins.removeAttrs { a = 1; "b c" = 2; } [ "b c" ]

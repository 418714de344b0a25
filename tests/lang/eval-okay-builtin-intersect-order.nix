# Values come from the second set.
builtins.intersectAttrs { a = "first"; } { a = "second"; }

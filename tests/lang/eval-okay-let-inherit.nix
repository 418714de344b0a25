let s = { a = 1; b = 2; }; inherit (s) a b; c = 3; in { inherit a b c; }

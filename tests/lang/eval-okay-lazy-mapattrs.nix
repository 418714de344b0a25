let s = builtins.mapAttrs (n: v: if n == "bad" then throw "lazy" else v) { bad = 0; good = 1; }; in s.good

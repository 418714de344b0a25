baseNameOf (builtins.findFile [ { prefix = "p"; path = toString ./lib; } ] "p/data.txt")

[ (builtins.path { path = ./lib/data.txt; }) (builtins.path { path = ./lib/dir; name = "renamed"; }) (builtins.path { path = ./lib/dir; filter = p: t: t != "directory"; }) ]

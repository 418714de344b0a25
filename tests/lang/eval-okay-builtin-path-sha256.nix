builtins.path { path = ./lib/data.txt; name = "d"; recursive = false; sha256 = builtins.hashFile "sha256" ./lib/data.txt; }

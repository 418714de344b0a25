builtins.toJSON { a = 1; b = [ true false null ]; c = "str\n\"q\"\t\\"; d = { e = 1.5; }; f = ./lib/data.txt == null; "key with space" = "é/ü"; }

let d = "lib"; in [ (builtins.typeOf ./${d}/data.txt) (builtins.readFile ./${d}/data.txt) (baseNameOf ./a${d}) ]

[ (builtins.pathExists ./lib/data.txt) (builtins.pathExists ./lib/nope) (builtins.pathExists ./lib) (builtins.pathExists "/definitely/not/here") ]

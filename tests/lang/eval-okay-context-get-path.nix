builtins.attrValues (builtins.getContext "${./lib/data.txt}")

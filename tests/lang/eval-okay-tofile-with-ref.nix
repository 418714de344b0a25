let a = builtins.toFile "a" "A"; b = builtins.toFile "b" "refers to ${a}"; in [ b (builtins.getContext b) ]

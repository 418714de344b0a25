with builtins; [ (foldl' (a: b: a + b) 0 [ 1 2 3 4 ]) (foldl' (a: b: a ++ [ b ]) [] [ 1 2 3 ]) (foldl' (a: b: "${a}${b}") "" [ "x" "y" "z" ]) (foldl' (a: b: a) 7 []) ]

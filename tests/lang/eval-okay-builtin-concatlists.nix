with builtins; [ (concatLists [ [ 1 2 ] [ 3 ] [] [ [ 4 ] ] ]) (concatLists []) ]

with builtins; [ (length [ 1 2 3 ]) (head [ "h" ]) (isInt 3) ]

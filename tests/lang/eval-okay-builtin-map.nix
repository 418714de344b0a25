with builtins; [ (map (x: x + 1) [ 1 2 3 ]) (map (x: x) []) (map toString [ 1 true null ]) ]

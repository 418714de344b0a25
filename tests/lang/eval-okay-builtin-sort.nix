with builtins; [ (sort lessThan [ 3 1 2 ]) (sort (a: b: a > b) [ 1 3 2 ]) (sort lessThan [ "b" "a" "C" ]) (sort lessThan []) ]

with builtins; [ (filter (x: x > 2) [ 1 2 3 4 ]) (filter (x: true) []) (filter (x: x != null) [ null 1 null 2 ]) ]

builtins.groupBy (x: x) [ "a" "b" "a" ]

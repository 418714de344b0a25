with builtins; [ (genList (x: x * x) 5) (genList (x: x) 0) (genList (x: "item${toString x}") 3) ]

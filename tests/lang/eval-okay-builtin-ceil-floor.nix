with builtins; [ (ceil 1.2) (ceil (-1.2)) (floor 1.8) (floor (-1.8)) (ceil 3) (floor 3) (ceil 2.0) (typeOf (ceil 1.5)) ]

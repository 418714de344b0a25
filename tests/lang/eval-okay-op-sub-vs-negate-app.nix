let f = x: x * 2; x = 3; in [ (f (-1)) (x -1) (x - 1) ]

with builtins; [ (sub 10 3) (sub 1 2.5) (mul 6 7) (mul 1.5 2) ]

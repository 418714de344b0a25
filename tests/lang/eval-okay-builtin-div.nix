with builtins; [ (div 10 3) (div (-10) 3) (div 10.0 4) (div 1 2.0) ]

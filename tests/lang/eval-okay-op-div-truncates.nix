# Integer division truncates toward zero.
[ (7 / 3) (-7 / 3) (7 / -3) (-7 / -3) (1 / 2) (builtins.div 9 4) ]

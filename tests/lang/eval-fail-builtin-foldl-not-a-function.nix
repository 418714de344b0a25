# error: value is an integer while a function was expected
# foldl' checks that its first argument is a function before calling it.
builtins.foldl' 1 0 [ 1 ]

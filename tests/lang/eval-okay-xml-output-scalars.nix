[ 1 (-2) 1.5 "s" null true false /abs/path ]

[ 1 "two" 3.0 null true [ 4 ] { five = 5; } ]

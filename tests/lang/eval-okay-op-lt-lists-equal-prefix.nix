# List comparison skips equal elements with ==, so incomparable-but-equal elements are fine.
[ ([ { } ] < [ { } ]) ([ { a = 1; } 1 ] < [ { a = 1; } 2 ]) ]

# `//` is right-associative; the rightmost wins.
{ a = 1; } // { a = 2; } // { a = 3; }

[ (dirOf "/a/b/c") (dirOf "/a/b/") (dirOf "a/b") (dirOf "a") (dirOf "/") (dirOf "") (dirOf /x/y) (builtins.typeOf (dirOf /x/y)) ]

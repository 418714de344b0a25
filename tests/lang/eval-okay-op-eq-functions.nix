# Functions are never equal, except when compared by pointer inside a container.
let f = x: x; in [ (f == f) ([ f ] == [ f ]) ({ a = f; } == { a = f; }) ((x: x) == (x: x)) ]

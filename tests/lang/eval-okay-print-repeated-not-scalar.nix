# Scalars and strings are never «repeated».
let n = 1; s = "s"; in [ n n s s ]

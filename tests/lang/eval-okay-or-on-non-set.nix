# Selecting from a non-set falls back to the default as well.
[ ((1).a or "default") ("s".a.b or 2) (null.x or 3) ]

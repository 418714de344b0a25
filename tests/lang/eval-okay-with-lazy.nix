# The with-expression is not evaluated unless a variable is looked up in it.
with (throw "not forced"); 42

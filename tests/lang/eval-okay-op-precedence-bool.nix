# -> binds weaker than ||, which binds weaker than &&.
[ (true || false && false) (false -> false || true) (!false && false) (true -> false -> false) ]

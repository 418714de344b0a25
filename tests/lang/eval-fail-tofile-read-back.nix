# In read-only evaluation (--eval) toFile does not write the store, so reading back fails.
# error: is not valid
builtins.readFile (builtins.toFile "r" "round trip")

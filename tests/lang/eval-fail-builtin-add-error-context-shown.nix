# error: while doing something special
# error: the inner failure
builtins.addErrorContext "while doing something special" (throw "the inner failure")

# tryEval does not catch abort.
# error: evaluation aborted with the following error message: 'not caught'
builtins.tryEval (abort "not caught")

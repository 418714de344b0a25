# tryEval catches only throw and assert failures, not other errors.
# error: attribute 'a' missing
builtins.tryEval ({ }.a)

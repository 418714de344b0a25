# error: undefined variable 'undefinedVariable'
# Once `f` was found in the namespace, the argument is looked up when the
# call is made, before `f` runs (as Nix's `maybeThunk` does), so the error
# happens even though `f` ignores its argument.
with { f = x: 1; }; f undefinedVariable

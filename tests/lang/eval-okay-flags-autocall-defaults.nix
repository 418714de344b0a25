# Nix 2.8 calls a top-level function with formals only when some --arg/--argstr is given.
# A top-level function with formals is called with its defaults.
{ a ? 1, b ? a + 1 }: { inherit a b; }

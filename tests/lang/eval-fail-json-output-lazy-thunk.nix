# Nix 2.8's --json without --strict does not force nested values.
# error: cannot convert a thunk to JSON
{ a = 1; b = [ true null "s" 1.5 ]; }

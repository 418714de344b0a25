# error: attribute 'x' already defined at
# error: parse-fail-attr-already-defined.nix:3:3
{ x = 1; x = 2; }

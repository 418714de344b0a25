# error: attribute 'b' missing
# error: eval-fail-attr-missing.nix:5:1
# error: Did you mean a?
let x = { a = 1; }; in
x.b

# error: assertion '(x == 2)' failed
# error: eval-fail-assert-simple.nix:4:1
let x = 1; in
assert x == 2; x

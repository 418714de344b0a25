# error: undefined variable 'y'
# error: eval-fail-undefined-variable.nix:4:7
let x = 1; in
  x + y

# error: infinite recursion encountered
# error: eval-fail-infinite-recursion.nix:3:9
let x = x; in
let y = x; in y

# error: called without required argument 'x'
# error: eval-fail-missing-arg.nix:5:1
# error: 'f' at
let f = { x }: x; in
f { }

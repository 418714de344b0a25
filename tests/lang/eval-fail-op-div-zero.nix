# error: division by zero
# error: eval-fail-op-div-zero.nix:3:1
1 / 0

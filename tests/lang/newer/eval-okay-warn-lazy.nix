# builtins.warn (Nix 2.23) is lazy in its value like trace; an unused warn prints nothing.
let unused = builtins.warn "never printed" 1; in "ok"

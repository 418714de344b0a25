# Nix fills the slots of a `rec` set or `let` in the order it keeps names (when each was first
# seen), and `zz = b;` shares `b`'s value only if `b` was filled first. Here `zz` is seen before
# `b`, so it gets a value of its own: a copy of the two-item list that does not print as
# «repeated». `c = b;` comes after `b` and shares it (found by tests/gen seed 114).
let
  zz = 0;
  s = rec {
    b = builtins.map (x: x) [ 1 2 ];
    c = b;
    zz = b;
  };
in
builtins.deepSeq s [ zz s ]

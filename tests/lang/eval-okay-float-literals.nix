# Nix 2.8 has no exponent-only float literals: `1e3` would be `1` applied... see eval-fail-float-exponent-no-dot.
[ 1.0 0.5 .5 1. 1.e3 1.0E3 1.5e-3 2.5e10 1.0e20 1.0e-20 123.456 100.0 0.0 1.0e6 1.0e5 1234567.0 12345678.0 ]

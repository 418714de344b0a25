# Current Nix (2.25) makes integer overflow an error; Nix 2.8 wraps around to -9223372036854775808.
# error: integer overflow in adding 9223372036854775807 + 1
9223372036854775807 + 1

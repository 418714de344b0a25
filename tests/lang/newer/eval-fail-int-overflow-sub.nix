# Current Nix (2.25) makes integer overflow an error; Nix 2.8 wraps around.
# error: integer overflow in subtracting -9223372036854775807 - 2
(-9223372036854775807) - 2

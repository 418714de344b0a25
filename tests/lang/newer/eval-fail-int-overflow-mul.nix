# Current Nix (2.25) makes integer overflow an error; Nix 2.8 wraps around.
# error: integer overflow in multiplying 4294967296 * 4294967296
4294967296 * 4294967296

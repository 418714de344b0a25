# builtins.convertHash (Nix 2.19) rejects an unknown toHashFormat.
# error: unknown hash format 'hex'
builtins.convertHash { hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; toHashFormat = "hex"; }

import ./lib/fn.nix 21

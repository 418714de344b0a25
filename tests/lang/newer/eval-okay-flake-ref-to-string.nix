# builtins.flakeRefToString (Nix 2.16; in current Nix behind the `flakes` feature), manual example.
builtins.flakeRefToString { type = "github"; owner = "NixOS"; repo = "nixpkgs"; ref = "23.05"; dir = "lib"; }

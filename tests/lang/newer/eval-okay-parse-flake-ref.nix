# builtins.parseFlakeRef (Nix 2.16; in current Nix behind the `flakes` feature), manual example.
builtins.parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib"

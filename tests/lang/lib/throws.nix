throw "thrown from lib/throws.nix"

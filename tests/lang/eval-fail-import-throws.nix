# error: thrown from lib/throws.nix
import ./lib/throws.nix

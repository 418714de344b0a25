# error: getting status of
# error: lib/missing.nix': No such file or directory
import ./lib/missing.nix

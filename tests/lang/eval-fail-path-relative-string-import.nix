# error: string 'relative.nix' doesn't represent an absolute path
import "relative.nix"

# Paths inside an imported file are relative to that file.
import ./value.nix

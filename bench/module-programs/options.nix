# The module system's per-option cost: 20000 boolean options that keep their defaults.
# `lib` is Strata's or nixpkgs'.
{ lib, n ? 20000 }:
let
  inherit (lib) mkOption types;
  names = builtins.genList (i: "o${toString i}") n;
  declarations = { options = lib.genAttrs names (_: mkOption { type = types.bool; default = true; }); };
in
(lib.evalModules { modules = [ declarations ]; }).config

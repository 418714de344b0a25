# The module system's per-submodule cost: one option of type `attrsOf (submodule ...)` with
# 2000 instances of a four-option submodule (a function of `name`, as NixOS services are),
# each given three definitions. `lib` is Strata's or nixpkgs'.
{ lib, n ? 2000 }:
let
  inherit (lib) mkOption types;
  declarations = {
    options.svc = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          description = mkOption { type = types.str; default = name; };
          wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
          environment = mkOption { type = types.attrsOf types.str; default = { }; };
          script = mkOption { type = types.lines; default = ""; };
        };
      }));
      default = { };
    };
  };
  definitions = {
    svc = builtins.listToAttrs (builtins.genList (i: {
      name = "s${toString i}";
      value = { wantedBy = [ "a" ]; environment.X = "y"; script = "echo"; };
    }) n);
  };
in
(lib.evalModules { modules = [ declarations definitions ]; }).config

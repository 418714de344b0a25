# `strata.lib.nixosSystem`: one machine, evaluated with the standard modules.
#
#   nixosSystem { modules = [ ./machines/web1 ]; specialArgs = { inherit inputs; }; }
#
# returns the `evalModules` result (`config`, `options`, `extendModules`,
# `type`, `class`, `graph`) plus `pkgs` and `system`, so code written for
# nixpkgs' `nixosSystem` that reads `.config` or `.options` works unchanged.
strata:
let
  inherit (strata) lib;
  defaultPkgs = strata.pkgs;
in
{
  modules ? [ ],
  specialArgs ? { },
  system ? "x86_64-linux",
  # Accepted for compatibility with nixpkgs' nixosSystem: a package set to use
  # instead of the target's (`null`: the target's) and modules added first.
  pkgs ? null,
  extraModules ? [ ],
  # The standard modules (`null`: all of them); `[ ]` evaluates only the
  # given modules, as nixpkgs' `baseModules` argument does.
  baseModules ? null,
  ...
}:
let
  thePkgs = if pkgs == null then defaultPkgs else pkgs;
  result = lib.evalModules {
    class = "nixos";
    specialArgs = { modulesPath = ../.; } // specialArgs;
    modules =
      (if baseModules == null then import ../module-list.nix else baseModules)
      ++ [
        ./host.nix
        {
          _file = "<strata/nixos/lib/eval-config.nix>";
          _module.args.pkgs = lib.mkOptionDefault thePkgs;
          strata.system = lib.mkOptionDefault system;
        }
      ]
      ++ extraModules
      ++ modules;
  };
in
result
// {
  pkgs = thePkgs;
  inherit system;
}

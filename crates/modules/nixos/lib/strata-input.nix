# The built-in `strata` flake input, present in every fleet repository whether
# declared or not: Strata's lib (with `nixosSystem`), the standard modules and
# the target's package set. `pkgs` is made by the fleet layer (Rust), so that
# package references carry string context naming the package.
{ pkgs }:
let
  lib = import ../../lib;
  nixosSystem = import ./eval-config.nix { inherit lib pkgs; };
  standardModules = import ../module-list.nix;
in
{
  _type = "flake";
  outPath = "/strata-builtin";
  lib = lib // { inherit nixosSystem; };
  nixosModules.default = { imports = standardModules; };
  nixosModules.standard = { imports = standardModules; };
  legacyPackages = lib.genAttrs lib.systems.flakeExposed or [ "x86_64-linux" "aarch64-linux" ] (_: pkgs);
  inputs = { };
}

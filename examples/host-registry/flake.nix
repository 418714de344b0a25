# A host-registry fleet: hosts are registered in lib/constants.nix, their
# folders under hosts/ are discovered, and lib/system-builders.nix builds
# each with the modules every host gets plus those its features bring.
# The Windows media host gets generated files instead of a system.
#
#   strata hosts                       slax, brix, snix, nixtv-player
#   strata show snix fleet.travelRouter
#   strata eval ... artifacts.wintv    (see examples/README.md)
{
  description = "Host registry: constants, builders, features, per-host disks, WinTV";

  inputs = { };

  outputs =
    { strata, ... }:
    let
      inherit (strata) lib;
      constants = import ./lib/constants.nix;
      builders = import ./lib/system-builders.nix { inherit strata constants; };
      wintv = import ./lib/wintv-generators.nix { inherit lib constants; };
      wintvFiles = wintv.files "wintv" (import ./hosts/wintv/services.nix);
    in
    {
      nixosConfigurations = builders.discoverHosts ./hosts;

      # Generated files for hosts that are not Linux.
      artifacts.wintv = wintvFiles;

      packages.x86_64-linux.wintv-config = {
        type = "artifact";
        name = "wintv-config";
        files = wintvFiles;
      };

      # The custom modules, for reuse elsewhere.
      nixosModules = import ./modules/exports.nix;
    };
}

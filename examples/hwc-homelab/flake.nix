# The hwc homelab: lib → modules → profiles → machines.
#
#   strata hosts              the four machines
#   strata show atlas hwc.infrastructure.hardware.gpu.accel
#   strata check              the architecture rules of strata.toml
{
  description = "hwc homelab: layered modules, storage tiers, GPU pipeline, VLANs";

  # Only the built-in `strata` input (its lib, nixosSystem and standard modules).
  inputs = { };

  outputs =
    { strata, ... }:
    let
      hwcLib = import ./lib { inherit (strata) lib; };
    in
    {
      nixosConfigurations = hwcLib.mkMachines {
        inherit (strata.lib) nixosSystem;
        dir = ./machines;
      };

      # The helpers, for other flakes that build on this one.
      lib = hwcLib;
    };
}

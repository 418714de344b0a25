# mxmlabs infrastructure in the flake-parts style: the outputs are assembled
# from `parts/`, each contributing top-level outputs (`flake`) and outputs
# per system (`perSystem`), by the small `mkFlake` in shared/lib.
#
#   strata hosts          laptop, desktop, homeserver, cloud-web
#   strata show laptop mxmlabs.roles.workstation
{
  description = "mxmlabs: local machines, a local hypervisor and cloud hosts";

  inputs = { };

  outputs =
    { strata, ... }:
    let
      mxmLib = import ./shared/lib { inherit (strata) lib; };
    in
    mxmLib.mkFlake {
      systems = [ "x86_64-linux" "aarch64-linux" ];
      specialArgs = { inherit strata mxmLib; };
      parts = [
        ./parts/nixos-configurations.nix
        ./parts/dev-shells.nix
        ./parts/packages.nix
      ];
    };
}

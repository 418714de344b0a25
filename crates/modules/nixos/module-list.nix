# The standard modules that `strata.lib.nixosSystem` adds to every machine.
[
  ./misc/assertions.nix
  ./system/build.nix
  ./system/etc.nix
  ./system/systemd.nix
  ./system/tmpfiles.nix
  ./config/users-groups.nix
  ./config/locale.nix
  ./config/sysctl.nix
  ./networking/network.nix
  ./networking/firewall.nix
  ./services/openssh.nix
  ./virtualisation/oci-containers.nix
  ./security/sudo.nix
  ./tasks/filesystems.nix
  ./hardware/hardware.nix
]

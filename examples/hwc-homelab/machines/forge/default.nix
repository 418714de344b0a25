# forge: the desk workstation. AMD GPU for games and ROCm models.
{
  imports = [
    ../../profiles/workstation.nix
    ./hardware.nix
  ];

  networking.hostName = "forge";
  system.stateVersion = "24.05";
  strata.tags = [ "workstation" "ai" ];

  hwc.infrastructure.hardware.permissions.groups.hardware = true;
  hwc.system.networking.vlans.management = {
    id = 10;
    address = "10.10.10.5";
  };
}

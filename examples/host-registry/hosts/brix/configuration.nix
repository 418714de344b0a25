# brix: the mini PC under the TV. Media server, fixed address from the registry.
{ hostInfo, ... }:
{
  imports = [
    ./hardware.nix
    ./disks.nix
  ];

  networking.interfaces.eno1.ipv4.addresses = [
    {
      address = hostInfo.address;
      prefixLength = 24;
    }
  ];
  networking.defaultGateway = {
    address = "192.168.8.1";
    interface = "eno1";
  };
}

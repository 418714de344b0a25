# homeserver hardware: two bonded-in-spirit NICs (one used), a fixed address.
{
  networking.interfaces.eno1.ipv4.addresses = [
    {
      address = "192.168.50.5";
      prefixLength = 24;
    }
  ];
  networking.defaultGateway = {
    address = "192.168.50.1";
    interface = "eno1";
  };
  boot.kernel.sysctl."vm.swappiness" = 1;
}

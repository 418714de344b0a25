# desktop hardware: one wired NIC with a fixed lease.
{
  networking.interfaces.enp6s0.ipv4.addresses = [
    {
      address = "192.168.50.20";
      prefixLength = 24;
    }
  ];
  networking.defaultGateway = {
    address = "192.168.50.1";
    interface = "enp6s0";
  };
}

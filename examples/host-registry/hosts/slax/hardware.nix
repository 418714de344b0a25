# slax hardware: wired NIC on DHCP.
{
  networking.interfaces.enp4s0.useDHCP = true;
}

# laptop hardware: Wi-Fi and a dock's Ethernet, both on DHCP.
{
  networking.interfaces.wlp0s20f3.useDHCP = true;
  networking.interfaces.enp0s31f6.useDHCP = true;
}

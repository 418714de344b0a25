# nixtv-player hardware: a single-board computer with Ethernet.
{
  networking.interfaces.end0.useDHCP = true;
}

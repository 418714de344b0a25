# slax: the desktop workstation.
{
  imports = [
    ./hardware.nix
    ./disks.nix
  ];

  boot.kernel.sysctl."vm.swappiness" = 10;
}

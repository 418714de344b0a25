# brix disk layout: one SATA SSD, ext4, no encryption (it boots unattended).
{
  fleet.disks = {
    enable = true;
    device = "/dev/sda";
    swapSize = "8G";
  };
}

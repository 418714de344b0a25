# snix disk layout: NVMe, LUKS, btrfs.
{
  fleet.disks = {
    enable = true;
    device = "/dev/nvme0n1";
    swapSize = "16G";
    encrypted = true;
    fsType = "btrfs";
    subvolumes = {
      "@" = "/";
      "@home" = "/home";
    };
  };
}

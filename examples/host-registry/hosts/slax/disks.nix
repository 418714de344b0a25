# slax disk layout: NVMe, LUKS, btrfs with separate home and snapshot subvolumes.
{
  fleet.disks = {
    enable = true;
    device = "/dev/nvme0n1";
    swapSize = "32G";
    encrypted = true;
    fsType = "btrfs";
    subvolumes = {
      "@" = "/";
      "@home" = "/home";
      "@snapshots" = "/.snapshots";
    };
  };
}

# atlas hardware: an RTX card, a 10 GbE NIC, NVMe + HDD array + backup disk.
{
  hwc.infrastructure.hardware.gpu.type = "nvidia";
  hwc.system.networking.uplink = "enp5s0";

  hwc.infrastructure.hardware.storage = {
    hot.device = "/dev/disk/by-label/hot";
    media = {
      device = "/dev/disk/by-label/media";
      fsType = "xfs";
    };
    backup.device = "/dev/disk/by-label/backup";
  };
}

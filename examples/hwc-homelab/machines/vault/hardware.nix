# vault hardware: no GPU, two NICs (the second unused), a mirrored backup array.
{
  hwc.infrastructure.hardware.gpu.type = "none";
  hwc.system.networking.uplink = "enp1s0";
  hwc.infrastructure.hardware.storage.backup = {
    device = "/dev/md/backup";
    fsType = "xfs";
  };
}

# nuc hardware: Intel iGPU, one NIC, an external USB disk for media.
{
  hwc.infrastructure.hardware.gpu.type = "intel";
  hwc.system.networking.uplink = "eno1";
  hwc.infrastructure.hardware.storage.media.device = "/dev/disk/by-label/nuc-media";
}

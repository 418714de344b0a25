# forge hardware: Radeon GPU, onboard NIC.
{
  hwc.infrastructure.hardware.gpu.type = "amd";
  hwc.system.networking.uplink = "enp14s0";
}

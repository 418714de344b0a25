# nixtv-player disk layout: the SD card, ext4, small ESP.
{
  fleet.disks = {
    enable = true;
    device = "/dev/mmcblk0";
    espSize = "256M";
  };
}

# brix hardware: Intel NUC-class box, the media disk by label.
{
  fileSystems."/srv/media" = {
    device = "/dev/disk/by-label/media";
    fsType = "ext4";
    options = [ "noatime" "nofail" ];
  };
}

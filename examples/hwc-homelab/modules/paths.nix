# The one place where storage locations are written down. Every other file
# derives its paths from config.hwc.paths.
{ config, lib, ... }:
let
  cfg = config.hwc.paths;
  path =
    default: description:
    lib.mkOption {
      type = lib.types.str;
      inherit default description;
    };
in
{
  options.hwc.paths = {
    hot = path "/mnt/hot" "Hot tier: SSD storage for databases, models and active data.";
    media = path "/mnt/media" "Media tier: large HDD storage for media files and archives.";
    backup = path "/mnt/backup" "Backup tier: redundant storage for snapshots and restic repositories.";
    state = path "/var/lib/hwc" "Service state (configuration and small databases of services).";
    cache = path "/var/cache/hwc" "Cache data that can be thrown away.";
    secrets = path "${cfg.state}/secrets" "Secret files (passwords, keys), readable by root only.";
    photos = path "${cfg.media}/photos" "Photo library (on the media tier).";
    models = path "${cfg.hot}/models" "AI model files (on the hot tier).";
  };
}

# Storage tiers: which device holds each tier of hwc.paths, mounted where
# the paths module says.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.infrastructure.hardware.storage;
  paths = config.hwc.paths;

  tier =
    name:
    lib.mkOption {
      description = "The device of the ${name} tier (null: the tier lives on the root file system).";
      default = { };
      type = lib.types.submodule {
        options = {
          device = lib.mkOption {
            type = lib.types.nullOr lib.types.str;
            default = null;
            example = "/dev/disk/by-label/${name}";
            description = "Block device of the ${name} tier.";
          };
          fsType = lib.mkOption {
            type = lib.types.str;
            default = "ext4";
            description = "File system type of the ${name} tier.";
          };
        };
      };
    };

  mounted = lib.filterAttrs (_: t: t.device != null) {
    ${paths.hot} = cfg.hot;
    ${paths.media} = cfg.media;
    ${paths.backup} = cfg.backup;
  };
in
{
  options.hwc.infrastructure.hardware.storage = {
    enable = lib.mkEnableOption "the hot, media and backup storage tiers";
    hot = tier "hot";
    media = tier "media";
    backup = tier "backup";
  };

  config = lib.mkIf cfg.enable {
    fileSystems = lib.mapAttrs (_: t: {
      inherit (t) device fsType;
      options = [ "noatime" "nofail" ];
    }) mounted;

    systemd.tmpfiles.rules = map (dir: "d ${dir} 0755 root root -") [
      paths.hot
      paths.media
      paths.backup
      paths.state
      paths.cache
    ] ++ [ "d ${paths.secrets} 0700 root root -" ];

    environment.systemPackages = [ pkgs.smartmontools pkgs.xfsprogs pkgs.e2fsprogs ];

    strata.healthChecks = lib.mapAttrsToList (dir: _: {
      name = "mounted ${dir}";
      type = "command";
      command = "mountpoint -q ${dir}";
      timeout = 10;
    }) mounted;
  };
}

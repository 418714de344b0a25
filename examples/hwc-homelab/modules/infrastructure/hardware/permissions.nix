# Hardware access for the admin user: device groups by purpose.
{ config, lib, ... }:
let
  cfg = config.hwc.infrastructure.hardware.permissions;
  gpu = config.hwc.infrastructure.hardware.gpu;
  groups =
    lib.optionals cfg.groups.media [ "audio" "video" ]
    ++ lib.optionals (cfg.groups.media && gpu.enable) [ "render" ]
    ++ lib.optionals cfg.groups.hardware [ "i2c" "gpio" ]
    ++ lib.optionals cfg.groups.development [ "dialout" "plugdev" ];
in
{
  options.hwc.infrastructure.hardware.permissions = {
    enable = lib.mkEnableOption "hardware access groups for the admin user";

    user = lib.mkOption {
      type = lib.types.str;
      default = config.hwc.system.users.admin;
      defaultText = "config.hwc.system.users.admin";
      description = "The user who gets the groups.";
    };

    groups = {
      media = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = "Audio and video devices (and the GPU's render node when a GPU is enabled).";
      };
      hardware = lib.mkEnableOption "GPIO and I2C sensors";
      development = lib.mkEnableOption "serial ports and USB debuggers";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users.${cfg.user}.extraGroups = groups;
    # Declared so that they exist everywhere (Debian creates most of them
    # already, and an existing group keeps its id).
    users.groups = lib.genAttrs groups (_: { });
  };
}

# Machines on our own hardware: firmware, disk and sensor tools, local time,
# and Wi-Fi on laptops.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.platforms.bareMetal;
in
{
  options.mxmlabs.platforms.bareMetal = {
    enable = lib.mkEnableOption "the bare-metal platform";

    laptop = lib.mkEnableOption "laptop support (Wi-Fi tools)";

    timeZone = lib.mkOption {
      type = lib.types.str;
      default = "Europe/Amsterdam";
      description = "Time zone of the machine's location.";
    };
  };

  config = lib.mkIf cfg.enable {
    time.timeZone = cfg.timeZone;
    i18n.defaultLocale = "en_US.UTF-8";

    environment.systemPackages =
      [ pkgs.firmware-linux pkgs.smartmontools pkgs.lm-sensors pkgs.nvme-cli pkgs.pciutils pkgs.usbutils ]
      ++ lib.optionals cfg.laptop [ pkgs.iw pkgs.wpasupplicant ];
  };
}

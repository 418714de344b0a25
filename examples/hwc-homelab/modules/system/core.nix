# Core OS settings every machine shares: time, locale, kernel tuning, tools.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.system.core;
in
{
  options.hwc.system.core = {
    enable = lib.mkEnableOption "the core OS settings";

    timeZone = lib.mkOption {
      type = lib.types.str;
      default = "Europe/Berlin";
      description = "The machine's time zone.";
    };

    locale = lib.mkOption {
      type = lib.types.str;
      default = "en_US.UTF-8";
      description = "The default locale.";
    };
  };

  config = lib.mkIf cfg.enable {
    time.timeZone = cfg.timeZone;
    i18n.defaultLocale = cfg.locale;

    boot.kernel.sysctl = {
      "vm.swappiness" = 10;
      # Media libraries and sync tools watch many files.
      "fs.inotify.max_user_watches" = 524288;
    };

    environment.systemPackages = with pkgs; [
      curl
      git
      htop
      jq
      rsync
      tmux
      vim
    ];

    strata.healthChecks = [
      {
        name = "hostname";
        type = "command";
        command = "test \"$(hostname)\" = ${config.networking.hostName}";
        timeout = 5;
      }
    ];
  };
}

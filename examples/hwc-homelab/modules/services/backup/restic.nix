# Nightly restic backup of service state and the hot tier to the backup tier.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.services.backup.restic;
  paths = config.hwc.paths;
in
{
  options.hwc.services.backup.restic = {
    enable = lib.mkEnableOption "nightly restic backups";

    sources = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ paths.state paths.hot ];
      defaultText = "[ config.hwc.paths.state config.hwc.paths.hot ]";
      description = "Directories to back up.";
    };

    repository = lib.mkOption {
      type = lib.types.str;
      default = "${paths.backup}/restic";
      defaultText = "\${config.hwc.paths.backup}/restic";
      description = "The restic repository.";
    };

    schedule = lib.mkOption {
      type = lib.types.str;
      default = "*-*-* 03:00:00";
      description = "When to run (a systemd calendar expression).";
    };

    keepDaily = lib.mkOption {
      type = lib.types.ints.positive;
      default = 14;
      description = "Daily snapshots kept.";
    };
  };

  config = lib.mkIf cfg.enable {
    systemd.services.restic-backup = {
      description = "restic backup to ${cfg.repository}";
      path = [ pkgs.restic ];
      environment = {
        RESTIC_REPOSITORY = cfg.repository;
        RESTIC_PASSWORD_FILE = "${paths.secrets}/restic-password";
      };
      serviceConfig.Type = "oneshot";
      restartIfChanged = false;
      script = ''
        restic snapshots >/dev/null 2>&1 || restic init
        restic backup --one-file-system ${lib.escapeShellArgs cfg.sources}
        restic forget --prune --keep-daily ${toString cfg.keepDaily}
      '';
    };

    systemd.timers.restic-backup = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.schedule;
        Persistent = true;
      };
    };
  };
}

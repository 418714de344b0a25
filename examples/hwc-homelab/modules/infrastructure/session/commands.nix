# Shared commands for users: put /etc/hwc/bin on PATH and add hwc-tiers,
# which shows how full each storage tier is.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.infrastructure.session.commands;
  paths = config.hwc.paths;
in
{
  options.hwc.infrastructure.session.commands = {
    enable = lib.mkEnableOption "shared hwc commands on every user's PATH";
  };

  config = lib.mkIf cfg.enable {
    environment.etc."profile.d/hwc-commands.sh".text = ''
      export PATH="$PATH:/etc/hwc/bin"
    '';

    environment.etc."hwc/bin/hwc-tiers" = {
      mode = "0755";
      text = ''
        #!/bin/sh
        # Usage of the hwc storage tiers.
        exec ${pkgs.coreutils}/bin/df -h ${paths.hot} ${paths.media} ${paths.backup}
      '';
    };
  };
}

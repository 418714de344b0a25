# Jellyfin (media server) in a container, its configuration under /var/lib/jellyfin.
{ config, lib, constants, ... }:
let
  cfg = config.fleet.arrStack.jellyfin;
  service = constants.mediaServices.jellyfin;
  port = toString service.port;
in
{
  options.fleet.arrStack.jellyfin = {
    enable = lib.mkEnableOption "Jellyfin (media server)";
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.jellyfin = {
      inherit (service) image;
      ports = [ "${port}:${port}" ];
      volumes = [
        "/var/lib/jellyfin:/config"
        "${constants.defaults.mediaRoot}:/media"
      ];
      environment = {
        TZ = constants.defaults.timeZone;
        PUID = "1000";
        PGID = "1000";
      };
    };

    systemd.tmpfiles.rules = [ "d /var/lib/jellyfin 0750 1000 1000 -" ];
    networking.firewall.allowedTCPPorts = [ service.port ];
    strata.healthChecks = [
      {
        name = "jellyfin";
        type = "http";
        url = "http://127.0.0.1:${port}/";
        timeout = 60;
      }
    ];
  };
}

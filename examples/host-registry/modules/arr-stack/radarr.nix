# Radarr (movies) in a container, its configuration under /var/lib/radarr.
{ config, lib, constants, ... }:
let
  cfg = config.fleet.arrStack.radarr;
  service = constants.mediaServices.radarr;
  port = toString service.port;
in
{
  options.fleet.arrStack.radarr = {
    enable = lib.mkEnableOption "Radarr (movies)";
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.radarr = {
      inherit (service) image;
      ports = [ "${port}:${port}" ];
      volumes = [
        "/var/lib/radarr:/config"
        "${constants.defaults.mediaRoot}:/media"
      ];
      environment = {
        TZ = constants.defaults.timeZone;
        PUID = "1000";
        PGID = "1000";
      };
    };

    systemd.tmpfiles.rules = [ "d /var/lib/radarr 0750 1000 1000 -" ];
    networking.firewall.allowedTCPPorts = [ service.port ];
    strata.healthChecks = [
      {
        name = "radarr";
        type = "http";
        url = "http://127.0.0.1:${port}/";
        timeout = 60;
      }
    ];
  };
}

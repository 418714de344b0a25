# Sonarr (TV series) in a container, its configuration under /var/lib/sonarr.
{ config, lib, constants, ... }:
let
  cfg = config.fleet.arrStack.sonarr;
  service = constants.mediaServices.sonarr;
  port = toString service.port;
in
{
  options.fleet.arrStack.sonarr = {
    enable = lib.mkEnableOption "Sonarr (TV series)";
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.sonarr = {
      inherit (service) image;
      ports = [ "${port}:${port}" ];
      volumes = [
        "/var/lib/sonarr:/config"
        "${constants.defaults.mediaRoot}:/media"
      ];
      environment = {
        TZ = constants.defaults.timeZone;
        PUID = "1000";
        PGID = "1000";
      };
    };

    systemd.tmpfiles.rules = [ "d /var/lib/sonarr 0750 1000 1000 -" ];
    networking.firewall.allowedTCPPorts = [ service.port ];
    strata.healthChecks = [
      {
        name = "sonarr";
        type = "http";
        url = "http://127.0.0.1:${port}/";
        timeout = 60;
      }
    ];
  };
}

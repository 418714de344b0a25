# Prowlarr (indexers) in a container, its configuration under /var/lib/prowlarr.
{ config, lib, constants, ... }:
let
  cfg = config.fleet.arrStack.prowlarr;
  service = constants.mediaServices.prowlarr;
  port = toString service.port;
in
{
  options.fleet.arrStack.prowlarr = {
    enable = lib.mkEnableOption "Prowlarr (indexers)";
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.prowlarr = {
      inherit (service) image;
      ports = [ "${port}:${port}" ];
      volumes = [
        "/var/lib/prowlarr:/config"
        "${constants.defaults.mediaRoot}:/media"
      ];
      environment = {
        TZ = constants.defaults.timeZone;
        PUID = "1000";
        PGID = "1000";
      };
    };

    systemd.tmpfiles.rules = [ "d /var/lib/prowlarr 0750 1000 1000 -" ];
    networking.firewall.allowedTCPPorts = [ service.port ];
    strata.healthChecks = [
      {
        name = "prowlarr";
        type = "http";
        url = "http://127.0.0.1:${port}/";
        timeout = 60;
      }
    ];
  };
}

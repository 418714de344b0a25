# A small status page for the travel router's clients: uplink, addresses,
# connected stations. Served on the access point only.
{ config, lib, pkgs, ... }:
let
  cfg = config.fleet.travelRouter.webUi;
  router = config.fleet.travelRouter;
in
{
  options.fleet.travelRouter.webUi = {
    enable = lib.mkEnableOption "the travel router's status page";

    port = lib.mkOption {
      type = lib.types.port;
      default = 8080;
      description = "HTTP port on the access point address.";
    };
  };

  config = lib.mkIf cfg.enable {
    systemd.services.travel-router-ui = {
      description = "Travel router status page";
      wantedBy = [ "multi-user.target" ];
      after = [ "travel-router-ap.service" ];
      path = [ pkgs.iproute2 pkgs.iw pkgs.grep pkgs.python3 ];
      preStart = ''
        mkdir -p /run/travel-router-ui
        {
          echo '<html><head><meta http-equiv="refresh" content="10"></head><body><pre>'
          echo "uplink ${router.uplinkInterface}:"; ip -brief address show ${router.uplinkInterface} || echo "(not connected)"
          echo; echo "stations on ${router.apInterface}:"; iw dev ${router.apInterface} station dump | grep -c Station || true
          echo '</pre></body></html>'
        } > /run/travel-router-ui/index.html
      '';
      script = "exec python3 -m http.server --bind ${router.address} --directory /run/travel-router-ui ${toString cfg.port}";
      serviceConfig.Restart = "on-failure";
    };

    networking.firewall.interfaces.${router.apInterface}.allowedTCPPorts = [ cfg.port ];
    strata.healthChecks = [
      {
        name = "travel-router-ui";
        type = "http";
        url = "http://${router.address}:${toString cfg.port}/";
        timeout = 10;
      }
    ];
  };
}

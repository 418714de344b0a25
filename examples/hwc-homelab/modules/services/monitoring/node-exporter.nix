# Prometheus node exporter: machine metrics for the monitoring server.
{ config, lib, pkgs, hwcLib, ... }:
let
  cfg = config.hwc.services.monitoring.nodeExporter;
in
{
  options.hwc.services.monitoring.nodeExporter = {
    enable = lib.mkEnableOption "the Prometheus node exporter";

    port = lib.mkOption {
      type = lib.types.port;
      default = 9100;
      description = "Port of the metrics endpoint.";
    };

    interfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "management" ];
      description = "Interfaces (VLANs) where the port is open; empty: every interface.";
    };
  };

  config = lib.mkIf cfg.enable {
    systemd.services.prometheus-node-exporter = {
      description = "Prometheus node exporter";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      serviceConfig = {
        ExecStart = "${pkgs.prometheus-node-exporter}/bin/prometheus-node-exporter --web.listen-address=:${toString cfg.port}";
        DynamicUser = true;
        Restart = "on-failure";
      };
    };

    networking.firewall = hwcLib.firewallFor cfg.interfaces [ cfg.port ];
    strata.healthChecks = [ (hwcLib.healthCheck "node-exporter" cfg.port "/metrics") ];
  };
}

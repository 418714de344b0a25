# Caddy as the TLS-terminating reverse proxy, one site per domain.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.services.caddy;
  caddyfile = lib.concatStrings (
    lib.mapAttrsToList (domain: upstream: ''
      ${domain} {
        encode zstd gzip
        reverse_proxy ${upstream}
      }
    '') cfg.sites
  );
in
{
  options.mxmlabs.services.caddy = {
    enable = lib.mkEnableOption "the Caddy web server";

    sites = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      default = { };
      description = "Upstream address by domain name.";
    };

    email = lib.mkOption {
      type = lib.types.str;
      default = "ops@mxmlabs.example";
      description = "Contact address for the ACME account.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."caddy/Caddyfile".text = ''
      {
        email ${cfg.email}
      }

    '' + caddyfile;

    users.users.caddy = {
      isSystemUser = true;
      group = "caddy";
      home = "/var/lib/caddy";
    };
    users.groups.caddy = { };

    systemd.services.caddy = {
      description = "Caddy web server";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      reloadIfChanged = true;
      reloadTriggers = [ caddyfile cfg.email ];
      serviceConfig = {
        ExecStart = "${pkgs.caddy}/bin/caddy run --config /etc/caddy/Caddyfile --adapter caddyfile";
        ExecReload = "${pkgs.caddy}/bin/caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile";
        User = "caddy";
        Group = "caddy";
        StateDirectory = "caddy";
        AmbientCapabilities = "CAP_NET_BIND_SERVICE";
      };
    };

    networking.firewall.allowedTCPPorts = [ 80 443 ];
    strata.healthChecks = [
      {
        name = "caddy";
        type = "unit";
        unit = "caddy.service";
        timeout = 30;
      }
    ];
  };
}

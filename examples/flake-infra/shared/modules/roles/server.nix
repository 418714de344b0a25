# The server role: hardened base, optionally a web front end (Caddy) and a
# database (PostgreSQL).
{ config, lib, ... }:
let
  cfg = config.mxmlabs.roles.server;
in
{
  options.mxmlabs.roles.server = {
    enable = lib.mkEnableOption "the server role";

    web = {
      enable = lib.mkEnableOption "the web front end";
      sites = lib.mkOption {
        type = lib.types.attrsOf lib.types.str;
        default = { };
        example = { "app.example.com" = "127.0.0.1:8080"; };
        description = "Sites by domain name, each proxied to a local address.";
      };
    };

    database.enable = lib.mkEnableOption "the PostgreSQL database";
  };

  config = lib.mkIf cfg.enable {
    mxmlabs.base = {
      users.enable = true;
      security.enable = true;
    };
    mxmlabs.services.caddy = {
      enable = cfg.web.enable;
      inherit (cfg.web) sites;
    };
    mxmlabs.services.postgresql.enable = cfg.database.enable;
  };
}

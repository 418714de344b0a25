# PostgreSQL in a container, reachable from this host only.
{ config, lib, ... }:
let
  cfg = config.mxmlabs.services.postgresql;
in
{
  options.mxmlabs.services.postgresql = {
    enable = lib.mkEnableOption "PostgreSQL";

    version = lib.mkOption {
      type = lib.types.str;
      default = "16";
      description = "Major version (the image tag).";
    };

    dataDir = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/postgresql-container";
      description = "Where the cluster's files live on the host.";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.postgresql = {
      image = "docker.io/library/postgres:${cfg.version}";
      ports = [ "127.0.0.1:5432:5432" ];
      volumes = [ "${cfg.dataDir}:/var/lib/postgresql/data" ];
      environment.POSTGRES_HOST_AUTH_METHOD = "scram-sha-256";
      environmentFiles = [ "/etc/mxmlabs/postgresql.env" ];
    };

    systemd.tmpfiles.rules = [ "d ${cfg.dataDir} 0700 root root -" ];

    strata.healthChecks = [
      {
        name = "postgresql";
        type = "tcp";
        host = "127.0.0.1";
        port = 5432;
        timeout = 60;
      }
    ];
  };
}

# PostgreSQL (with the vector extension Immich needs) in a container, its
# data on the hot tier.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.databases.postgres;
  paths = config.hwc.paths;
  network = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.services.databases.postgres = {
    enable = lib.mkEnableOption "PostgreSQL";

    image = lib.mkOption {
      type = lib.types.str;
      default = "docker.io/tensorchord/pgvecto-rs:pg16-v0.2.0";
      description = "Container image.";
    };

    passwordFile = lib.mkOption {
      type = lib.types.str;
      default = "${paths.secrets}/postgres-password";
      defaultText = "\${config.hwc.paths.secrets}/postgres-password";
      description = "File holding the superuser password (not in the repository).";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.postgres = {
      inherit (cfg) image;
      volumes = [
        "${paths.hot}/postgres:/var/lib/postgresql/data"
        "${cfg.passwordFile}:/run/secrets/postgres:ro"
      ];
      environment = {
        POSTGRES_PASSWORD_FILE = "/run/secrets/postgres";
        POSTGRES_DB = "immich";
      };
      extraOptions = network.containerOptions;
    };

    systemd.services.podman-postgres = hwcLib.afterNetwork network;
    systemd.tmpfiles.rules = hwcLib.stateDirs { mode = "0700"; } [ "${paths.hot}/postgres" ];
  };
}

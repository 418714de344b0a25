# Immich's PostgreSQL (with the vector extension Immich needs) in a
# container, its data on the hot tier.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.photos.immichDatabase;
  paths = config.hwc.paths;
  network = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.services.photos.immichDatabase = {
    enable = lib.mkEnableOption "Immich's PostgreSQL database";

    image = lib.mkOption {
      type = lib.types.str;
      default = "docker.io/tensorchord/pgvecto-rs:pg16-v0.2.0";
      description = "Container image.";
    };

    passwordFile = lib.mkOption {
      type = lib.types.str;
      default = "${paths.secrets}/immich-database-password";
      defaultText = "\${config.hwc.paths.secrets}/immich-database-password";
      description = "File holding the superuser password (not in the repository).";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.immich-database = {
      inherit (cfg) image;
      volumes = [
        "${paths.hot}/immich-database:/var/lib/postgresql/data"
        "${cfg.passwordFile}:/run/secrets/postgres:ro"
      ];
      environment = {
        POSTGRES_PASSWORD_FILE = "/run/secrets/postgres";
        POSTGRES_DB = "immich";
      };
      networks = network.networks;
    };

    systemd.services.podman-immich-database = hwcLib.containerUnit { inherit network; };
    systemd.tmpfiles.rules = hwcLib.stateDirs { mode = "0700"; } [ "${paths.hot}/immich-database" ];
  };
}

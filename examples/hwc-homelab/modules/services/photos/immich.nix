# The Immich photo server in a container. Its library lives on the media
# tier; video transcoding uses the GPU.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.photos.immich;
  paths = config.hwc.paths;
  accel = config.hwc.infrastructure.hardware.gpu.accel;
  network = config.hwc.infrastructure.mesh.containerNetworking;
  database = config.hwc.services.photos.immichDatabase;
in
{
  options.hwc.services.photos.immich = {
    enable = lib.mkEnableOption "the Immich photo server";

    version = lib.mkOption {
      type = lib.types.str;
      default = "v1.122.3";
      description = "Immich release; the machine-learning container uses the same one.";
    };

    port = lib.mkOption {
      type = lib.types.port;
      default = 2283;
      description = "HTTP port on the host.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = network.enable;
        message = "hwc.services.photos.immich needs hwc.infrastructure.mesh.containerNetworking: it reaches its database by container name";
      }
    ];

    # Immich's companions; a machine may turn machine learning off.
    hwc.services.photos = {
      immichDatabase.enable = lib.mkDefault true;
      immichRedis.enable = lib.mkDefault true;
      immichMachineLearning.enable = lib.mkDefault true;
    };

    virtualisation.oci-containers.containers.immich-server = {
      image = "ghcr.io/immich-app/immich-server:${cfg.version}";
      ports = [ "${toString cfg.port}:2283" ];
      volumes = [
        "${paths.photos}:/usr/src/app/upload"
        "${database.passwordFile}:/run/secrets/postgres:ro"
      ];
      environment = {
        DB_HOSTNAME = "immich-database";
        DB_USERNAME = "postgres";
        DB_DATABASE_NAME = "immich";
        DB_PASSWORD_FILE = "/run/secrets/postgres";
        REDIS_HOSTNAME = "immich-redis";
        IMMICH_MACHINE_LEARNING_URL = "http://immich-machine-learning:3003";
      } // accel.environment;
      devices = accel.devices;
      networks = network.networks;
      dependsOn = [ "immich-database" "immich-redis" ];
    };

    systemd.services.podman-immich-server = hwcLib.containerUnit { inherit network accel; };
    systemd.tmpfiles.rules = hwcLib.stateDirs { } [ paths.photos ];
    networking.firewall.allowedTCPPorts = [ cfg.port ];
    strata.healthChecks = [ (hwcLib.healthCheck "immich" cfg.port "/api/server/ping") ];
  };
}

# Redis in a container, for job queues (Immich).
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.databases.redis;
  network = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.services.databases.redis = {
    enable = lib.mkEnableOption "Redis";

    image = lib.mkOption {
      type = lib.types.str;
      default = "docker.io/library/redis:7.4-alpine";
      description = "Container image.";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.redis = {
      inherit (cfg) image;
      extraOptions = network.containerOptions;
    };

    systemd.services.podman-redis = hwcLib.afterNetwork network;
  };
}

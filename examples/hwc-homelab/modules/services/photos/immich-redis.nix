# Immich's Redis (job queues) in a container.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.photos.immichRedis;
  network = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.services.photos.immichRedis = {
    enable = lib.mkEnableOption "Immich's Redis";

    image = lib.mkOption {
      type = lib.types.str;
      default = "docker.io/library/redis:7.4-alpine";
      description = "Container image.";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.immich-redis = {
      inherit (cfg) image;
      networks = network.networks;
    };

    systemd.services.podman-immich-redis = hwcLib.containerUnit { inherit network; };
  };
}

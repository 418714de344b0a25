# Media servers: Jellyfin and Immich (with its databases), GPU-accelerated.
{
  imports = [ ./server.nix ];

  hwc.infrastructure.hardware.gpu.enable = true;
  hwc.services.media.jellyfin.enable = true;
  hwc.services.photos.immich.enable = true;
  hwc.services.photos.immichMachineLearning.enable = true;
  hwc.services.databases.postgres.enable = true;
  hwc.services.databases.redis.enable = true;
}

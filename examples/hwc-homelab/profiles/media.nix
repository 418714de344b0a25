# Media servers: Jellyfin and Immich (which brings its database, Redis and
# machine learning), GPU-accelerated.
{
  imports = [ ./server.nix ];

  hwc.infrastructure.hardware.gpu.enable = true;
  hwc.infrastructure.mesh.containerNetworking.enable = true;
  hwc.services.media.jellyfin.enable = true;
  hwc.services.photos.immich.enable = true;
}

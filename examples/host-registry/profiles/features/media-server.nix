# Feature `media-server`: Jellyfin and the *arr stack.
{
  fleet.arrStack = {
    jellyfin.enable = true;
    sonarr.enable = true;
    radarr.enable = true;
    prowlarr.enable = true;
  };
}

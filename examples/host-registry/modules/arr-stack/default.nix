# The media stack: Jellyfin and the *arr managers, one container each. Their
# images and ports come from lib/constants.nix (WinTV's compose file uses
# the same entries).
{
  imports = [
    ./jellyfin.nix
    ./sonarr.nix
    ./radarr.nix
    ./prowlarr.nix
  ];
}

# wintv: the Windows media server in the living room. Not a Linux machine:
# the flake turns this description into a compose file for Podman Desktop
# and the scripts that set the machine up (see lib/wintv-generators.nix).
{
  dataDrive = "D:";
  services = [ "jellyfin" "sonarr" "radarr" "prowlarr" ];
  mediaFolders = [ "Movies" "Shows" "Downloads" ];
}

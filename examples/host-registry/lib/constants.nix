# The host registry: every machine, its type and features, and the defaults
# they share. Builders, modules and generators all read this file.
{
  defaults = {
    user = "alex";
    timeZone = "Europe/Vienna";
    locale = "en_US.UTF-8";
    stateVersion = "25.05";
    lanDomain = "home.arpa";
    mediaRoot = "/srv/media";
    sshKeys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlexRegistryExampleKeyOnly00000000000000 alex@slax" ];
  };

  # hostType: desktop | laptop | mini-pc | appliance | windows.
  # hostFeatures: development | multimedia | security | media-server | travel-router.
  hosts = {
    slax = {
      system = "x86_64-linux";
      hostType = "desktop";
      hostFeatures = [ "development" "multimedia" ];
      address = "192.168.8.10";
    };
    brix = {
      system = "x86_64-linux";
      hostType = "mini-pc";
      hostFeatures = [ "multimedia" "media-server" ];
      address = "192.168.8.11";
    };
    snix = {
      system = "x86_64-linux";
      hostType = "laptop";
      hostFeatures = [ "development" "security" "travel-router" ];
      address = "192.168.8.12";
    };
    nixtv-player = {
      system = "aarch64-linux";
      hostType = "appliance";
      hostFeatures = [ "multimedia" ];
      address = "192.168.8.13";
    };
    wintv = {
      system = "x86_64-windows";
      hostType = "windows";
      hostFeatures = [ "media-server" ];
      address = "192.168.8.20";
    };
  };

  # The media services, shared by the Linux media server (containers) and
  # the compose file generated for WinTV.
  mediaServices = {
    jellyfin = { image = "docker.io/jellyfin/jellyfin:10.10.3"; port = 8096; };
    sonarr = { image = "lscr.io/linuxserver/sonarr:4.0.11"; port = 8989; };
    radarr = { image = "lscr.io/linuxserver/radarr:5.16.3"; port = 7878; };
    prowlarr = { image = "lscr.io/linuxserver/prowlarr:1.28.2"; port = 9696; };
  };
}

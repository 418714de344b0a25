# atlas: the main server. Media and local AI on an NVIDIA GPU, all four
# VLANs, three storage tiers.
{
  imports = [
    ../../profiles/media.nix
    ./hardware.nix
  ];

  networking.hostName = "atlas";
  system.stateVersion = "24.05";
  strata.tags = [ "server" "media" "ai" ];

  hwc.services.ai.ollama.enable = true;
  hwc.services.ai.ollama.interfaces = [ "management" ];

  hwc.system.networking.vlans = {
    management = { id = 10; address = "10.10.10.2"; };
    media = { id = 20; address = "10.10.20.2"; };
    iot = { id = 30; address = "10.10.30.2"; };
    guest = { id = 40; address = "10.10.40.2"; };
  };
  hwc.system.ssh.interfaces = [ "management" ];
  hwc.services.monitoring.nodeExporter.interfaces = [ "management" ];
  hwc.services.media.jellyfin.interfaces = [ "media" "guest" ];
}

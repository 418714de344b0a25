# Jellyfin in a container, transcoding on whatever GPU the machine has.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.media.jellyfin;
  paths = config.hwc.paths;
  accel = config.hwc.infrastructure.hardware.gpu.accel;
  network = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.services.media.jellyfin = {
    enable = lib.mkEnableOption "the Jellyfin media server";

    image = lib.mkOption {
      type = lib.types.str;
      default = "docker.io/jellyfin/jellyfin:10.10.3";
      description = "Container image.";
    };

    port = lib.mkOption {
      type = lib.types.port;
      default = 8096;
      description = "HTTP port on the host.";
    };

    interfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "media" ];
      description = "Interfaces (VLANs) where the port is open; empty: every interface.";
    };
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.jellyfin = {
      inherit (cfg) image;
      ports = [ "${toString cfg.port}:8096" ];
      volumes = [
        "${paths.state}/jellyfin:/config"
        "${paths.cache}/jellyfin:/cache"
        "${paths.media}:/media:ro"
      ];
      environment = accel.environment // {
        JELLYFIN_CACHE_DIR = "/cache";
      };
      devices = accel.devices;
      networks = network.networks;
    };

    systemd.services.podman-jellyfin = hwcLib.containerUnit { inherit network accel; };
    systemd.tmpfiles.rules = hwcLib.stateDirs { } [
      "${paths.state}/jellyfin"
      "${paths.cache}/jellyfin"
    ];
    networking.firewall = hwcLib.firewallFor cfg.interfaces [ cfg.port ];
    strata.healthChecks = [ (hwcLib.healthCheck "jellyfin" cfg.port "/health") ];
  };
}

# Ollama (local language models) in a container, on the GPU when there is
# one; models live on the hot tier.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.ai.ollama;
  paths = config.hwc.paths;
  accel = config.hwc.infrastructure.hardware.gpu.accel;
  network = config.hwc.infrastructure.mesh.containerNetworking;
  # Ollama publishes one image for CUDA and the CPU, and a separate ROCm one.
  tag = if accel.type == "amd" then "${cfg.version}-rocm" else cfg.version;
in
{
  options.hwc.services.ai.ollama = {
    enable = lib.mkEnableOption "the Ollama model server";

    version = lib.mkOption {
      type = lib.types.str;
      default = "0.5.4";
      description = "Ollama release.";
    };

    port = lib.mkOption {
      type = lib.types.port;
      default = 11434;
      description = "API port on the host.";
    };

    interfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Interfaces (VLANs) where the API port is open; empty: every interface.";
    };
  };

  config = lib.mkIf cfg.enable {
    warnings = lib.optional (!accel.available) "hwc.services.ai.ollama runs on the CPU: this machine has no GPU acceleration.";

    virtualisation.oci-containers.containers.ollama = {
      image = "docker.io/ollama/ollama:${tag}";
      ports = [ "${toString cfg.port}:11434" ];
      volumes = [ "${paths.models}/ollama:/root/.ollama" ];
      environment = accel.environment // {
        OLLAMA_KEEP_ALIVE = "30m";
      };
      devices = accel.devices;
      networks = network.networks;
    };

    systemd.services.podman-ollama = hwcLib.containerUnit { inherit network accel; };
    systemd.tmpfiles.rules = hwcLib.stateDirs { } [ "${paths.models}/ollama" ];
    networking.firewall = hwcLib.firewallFor cfg.interfaces [ cfg.port ];
    strata.healthChecks = [ (hwcLib.healthCheck "ollama" cfg.port "/api/version") ];
  };
}

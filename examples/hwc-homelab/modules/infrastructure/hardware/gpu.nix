# GPU acceleration. A machine states the fact (`type`); this module derives
# `accel`, the stable interface that media and AI services consume.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.infrastructure.hardware.gpu;
  toolkit = pkgs.distributionPackage "nvidia-container-toolkit";

  # What each kind of GPU gives a container or a process.
  kinds = {
    nvidia = {
      devices =
        if cfg.nvidia.containerRuntime then
          [ "nvidia.com/gpu=all" ]
        else
          [ "/dev/nvidia0" "/dev/nvidiactl" "/dev/nvidia-uvm" ];
      environment = {
        NVIDIA_VISIBLE_DEVICES = "all";
        NVIDIA_DRIVER_CAPABILITIES = "compute,video,utility";
      };
      imageVariant = "cuda";
      packages = [ pkgs.nvidia-driver pkgs.nvidia-smi ];
      launchEnvironment = "__NV_PRIME_RENDER_OFFLOAD=1 __GLX_VENDOR_LIBRARY_NAME=nvidia";
    };
    intel = {
      devices = [ "/dev/dri:/dev/dri" ];
      environment.LIBVA_DRIVER_NAME = "iHD";
      imageVariant = "openvino";
      packages = [ pkgs.intel-media-driver pkgs.intel-gpu-tools pkgs.vainfo ];
      launchEnvironment = "LIBVA_DRIVER_NAME=iHD";
    };
    amd = {
      devices = [ "/dev/dri:/dev/dri" "/dev/kfd:/dev/kfd" ];
      environment.LIBVA_DRIVER_NAME = "radeonsi";
      imageVariant = "rocm";
      packages = [ pkgs.mesa-va-drivers pkgs.radeontop pkgs.vainfo ];
      launchEnvironment = "DRI_PRIME=1";
    };
    none = {
      devices = [ ];
      environment = { };
      imageVariant = "cpu";
      packages = [ ];
      launchEnvironment = "";
    };
  };

  kind = kinds.${if cfg.enable then cfg.type else "none"};
  cdi = cfg.enable && cfg.type == "nvidia" && cfg.nvidia.containerRuntime;
in
{
  options.hwc.infrastructure.hardware.gpu = {
    enable = lib.mkEnableOption "GPU acceleration for services and containers";

    type = lib.mkOption {
      type = lib.types.enum [ "nvidia" "intel" "amd" "none" ];
      default = "none";
      description = "The machine's GPU: a hardware fact, set in the machine's hardware file.";
    };

    nvidia.containerRuntime = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Give containers the NVIDIA GPU through the container toolkit (CDI) instead of raw device nodes.";
    };

    launcher.enable = lib.mkEnableOption "the gpu-launch command, which runs a program on the GPU";

    accel = lib.mkOption {
      type = lib.types.submodule {
        options = {
          available = lib.mkOption { type = lib.types.bool; description = "Whether a GPU can be used."; };
          type = lib.mkOption { type = lib.types.str; description = "The GPU kind, or \"none\"."; };
          devices = lib.mkOption { type = lib.types.listOf lib.types.str; description = "Container devices."; };
          environment = lib.mkOption { type = lib.types.attrsOf lib.types.str; description = "Container environment."; };
          imageVariant = lib.mkOption { type = lib.types.str; description = "Image flavour: cuda, openvino, rocm or cpu."; };
          units = lib.mkOption { type = lib.types.listOf lib.types.str; description = "Units that prepare the GPU; consumers start after them."; };
        };
      };
      readOnly = true;
      description = "What services use for hardware acceleration, derived from `type` (consumed by jellyfin, immich, ollama).";
    };
  };

  config = lib.mkMerge [
    # Always defined, so consumers need not check whether a GPU is enabled.
    {
      hwc.infrastructure.hardware.gpu.accel = {
        available = kind.devices != [ ];
        type = if cfg.enable then cfg.type else "none";
        inherit (kind) devices environment imageVariant;
        units = lib.optional cdi "nvidia-cdi.service";
      };
    }

    (lib.mkIf cfg.enable {
      warnings = lib.optional (cfg.type == "none") "hwc.infrastructure.hardware.gpu is enabled but its type is \"none\"; services run without acceleration.";

      environment.systemPackages = kind.packages ++ lib.optional cdi toolkit;

      # The CDI description of the NVIDIA devices, regenerated at boot (driver updates change it).
      systemd.services.nvidia-cdi = lib.mkIf cdi {
        description = "Generate the NVIDIA CDI specification for containers";
        wantedBy = [ "multi-user.target" ];
        serviceConfig.Type = "oneshot";
        serviceConfig.RemainAfterExit = true;
        script = "${toolkit}/bin/nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml";
      };

      environment.etc."hwc/bin/gpu-launch" = lib.mkIf cfg.launcher.enable {
        mode = "0755";
        text = ''
          #!/bin/sh
          # Runs a program with the ${cfg.type} GPU.
          exec env ${kind.launchEnvironment} "$@"
        '';
      };
    })
  ];
}

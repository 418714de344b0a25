# Immich's machine-learning container (faces, smart search). The image
# flavour follows the GPU: -cuda, -openvino, -rocm, or the CPU image.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.services.photos.immichMachineLearning;
  paths = config.hwc.paths;
  accel = config.hwc.infrastructure.hardware.gpu.accel;
  network = config.hwc.infrastructure.mesh.containerNetworking;
  suffix = lib.optionalString accel.available "-${accel.imageVariant}";
in
{
  options.hwc.services.photos.immichMachineLearning = {
    enable = lib.mkEnableOption "Immich's machine-learning container";
  };

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.immich-machine-learning = {
      image = "ghcr.io/immich-app/immich-machine-learning:${config.hwc.services.photos.immich.version}${suffix}";
      volumes = [ "${paths.cache}/immich-models:/cache" ];
      environment = accel.environment;
      devices = accel.devices;
      networks = network.networks;
    };

    systemd.services.podman-immich-machine-learning = hwcLib.containerUnit { inherit network accel; };
    systemd.tmpfiles.rules = hwcLib.stateDirs { } [ "${paths.cache}/immich-models" ];
  };
}

# Desks: GPU with the gpu-launch command, development devices, local AI.
{
  imports = [ ./base.nix ];

  hwc.infrastructure.hardware.gpu.enable = true;
  hwc.infrastructure.hardware.gpu.launcher.enable = true;
  hwc.infrastructure.hardware.permissions.groups.development = true;
  hwc.infrastructure.mesh.containerNetworking.enable = true;
  hwc.services.ai.ollama.enable = true;
}

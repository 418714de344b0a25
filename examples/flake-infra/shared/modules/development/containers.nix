# Containers for development: podman (rootless) or docker, and compose.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.development.containers;
in
{
  options.mxmlabs.development.containers = {
    enable = lib.mkEnableOption "container tools";

    backend = lib.mkOption {
      type = lib.types.enum [ "podman" "docker" ];
      default = "podman";
      description = "The container engine.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages =
      if cfg.backend == "podman" then [ pkgs.podman pkgs.podman-compose ] else [ pkgs.docker pkgs.docker-compose ];

    # Short image names resolve on Docker Hub first.
    environment.etc."containers/registries.conf.d/50-mxmlabs.conf".text = ''
      unqualified-search-registries = ["docker.io", "ghcr.io"]
    '';

    # Rootless containers need unprivileged user namespaces.
    boot.kernel.sysctl."kernel.unprivileged_userns_clone" = 1;
  };
}

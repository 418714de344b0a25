# A shared podman network, so containers reach each other by name.
{ config, lib, pkgs, ... }:
let
  cfg = config.hwc.infrastructure.mesh.containerNetworking;
in
{
  options.hwc.infrastructure.mesh.containerNetworking = {
    enable = lib.mkEnableOption "the shared container network";

    name = lib.mkOption {
      type = lib.types.str;
      default = "hwc";
      description = "Name of the podman network.";
    };

    subnet = lib.mkOption {
      type = lib.types.str;
      default = "10.89.0.0/24";
      description = "Subnet of the podman network.";
    };

    unit = lib.mkOption {
      type = lib.types.str;
      readOnly = true;
      description = "The unit that creates the network; containers order themselves after it.";
    };

    networks = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      readOnly = true;
      description = "What a container's `networks` should be to join the network (empty when it is off).";
    };
  };

  config = lib.mkMerge [
    {
      hwc.infrastructure.mesh.containerNetworking = {
        unit = "podman-network-${cfg.name}.service";
        networks = lib.optional cfg.enable cfg.name;
      };
    }
    (lib.mkIf cfg.enable {
      environment.systemPackages = [ pkgs.podman ];
      systemd.services."podman-network-${cfg.name}" = {
        description = "Podman network ${cfg.name}";
        wantedBy = [ "multi-user.target" ];
        serviceConfig.Type = "oneshot";
        serviceConfig.RemainAfterExit = true;
        script = ''
          ${pkgs.podman}/bin/podman network exists ${cfg.name} || \
            ${pkgs.podman}/bin/podman network create --subnet ${cfg.subnet} ${cfg.name}
        '';
      };
    })
  ];
}

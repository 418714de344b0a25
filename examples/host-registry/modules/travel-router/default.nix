# Travel router: turns a laptop into a Wi-Fi access point that shares its
# uplink (USB tethering, hotel Ethernet). systemd-networkd hands out
# addresses and masquerades; the access point and web UI are in this folder.
{ config, lib, ... }:
let
  cfg = config.fleet.travelRouter;
in
{
  imports = [
    ./access-point.nix
    ./web-ui.nix
  ];

  options.fleet.travelRouter = {
    enable = lib.mkEnableOption "travel router mode";

    apInterface = lib.mkOption {
      type = lib.types.str;
      default = "wlan0";
      description = "The Wi-Fi interface that becomes the access point.";
    };

    uplinkInterface = lib.mkOption {
      type = lib.types.str;
      example = "enp0s20f0u1";
      description = "The interface with the Internet connection.";
    };

    subnet = lib.mkOption {
      type = lib.types.str;
      default = "10.42.0";
      description = "First three octets of the access point's /24.";
    };

    address = lib.mkOption {
      type = lib.types.str;
      readOnly = true;
      default = "${cfg.subnet}.1";
      description = "The router's address on the access point.";
    };
  };

  config = lib.mkIf cfg.enable {
    fleet.travelRouter.accessPoint.enable = lib.mkDefault true;

    environment.etc."systemd/network/20-travel-router.network".text = ''
      [Match]
      Name=${cfg.apInterface}

      [Network]
      Address=${cfg.address}/24
      DHCPServer=yes
      IPMasquerade=ipv4

      [DHCPServer]
      PoolOffset=10
      PoolSize=100
      EmitDNS=yes
      DNS=9.9.9.9 149.112.112.112
    '';

    networking.interfaces.${cfg.uplinkInterface}.useDHCP = true;
    boot.kernel.sysctl."net.ipv4.ip_forward" = 1;
    networking.firewall.interfaces.${cfg.apInterface}.allowedUDPPorts = [ 67 ];
  };
}

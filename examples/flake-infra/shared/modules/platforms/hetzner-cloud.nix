# Hetzner Cloud VMs: static addresses on eth0 with Hetzner's gateways and
# resolvers, the guest agent, UTC.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.platforms.hetznerCloud;
in
{
  options.mxmlabs.platforms.hetznerCloud = {
    enable = lib.mkEnableOption "the Hetzner Cloud platform";

    ipv4 = lib.mkOption {
      type = lib.types.str;
      example = "203.0.113.10";
      description = "The server's public IPv4 address.";
    };

    ipv6 = lib.mkOption {
      type = lib.types.str;
      example = "2001:db8:1234::1";
      description = "The server's IPv6 address (from its /64).";
    };
  };

  config = lib.mkIf cfg.enable {
    time.timeZone = "UTC";
    i18n.defaultLocale = "C.UTF-8";

    networking.interfaces.eth0 = {
      ipv4.addresses = [ { address = cfg.ipv4; prefixLength = 32; } ];
      ipv6.addresses = [ { address = cfg.ipv6; prefixLength = 64; } ];
    };
    networking.defaultGateway = { address = "172.31.1.1"; interface = "eth0"; };
    networking.defaultGateway6 = { address = "fe80::1"; interface = "eth0"; };
    networking.nameservers = [ "185.12.64.1" "185.12.64.2" ];

    environment.systemPackages = [ (pkgs.distributionPackage "qemu-guest-agent") ];
  };
}

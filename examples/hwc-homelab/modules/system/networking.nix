# The uplink, its VLANs (management, media, IoT, guest) and the firewall.
{ config, lib, ... }:
let
  cfg = config.hwc.system.networking;

  vlan = lib.types.submodule {
    options = {
      id = lib.mkOption {
        type = lib.types.ints.between 1 4094;
        description = "The 802.1Q VLAN id.";
      };
      address = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        description = "The machine's static IPv4 address on the VLAN (null: DHCP).";
      };
      prefixLength = lib.mkOption {
        type = lib.types.int;
        default = 24;
        description = "Prefix length of the VLAN's subnet.";
      };
    };
  };

  addressing =
    address: prefixLength:
    if address == null then
      { useDHCP = true; }
    else
      { ipv4.addresses = [ { inherit address prefixLength; } ]; };
in
{
  options.hwc.system.networking = {
    enable = lib.mkEnableOption "the uplink, VLANs and firewall";

    uplink = lib.mkOption {
      type = lib.types.str;
      example = "enp3s0";
      description = "The physical interface that carries the untagged LAN and the VLANs.";
    };

    address = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      description = "Static IPv4 address on the untagged LAN (null: DHCP).";
    };

    vlans = lib.mkOption {
      type = lib.types.attrsOf vlan;
      default = { };
      example = {
        management.id = 10;
        media.id = 20;
      };
      description = "VLANs on the uplink, by interface name.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = lib.all (name: builtins.stringLength name <= 15) (builtins.attrNames cfg.vlans);
        message = "hwc.system.networking.vlans: interface names must be at most 15 characters";
      }
    ];

    networking.vlans = lib.mapAttrs (_: v: {
      inherit (v) id;
      interface = cfg.uplink;
    }) cfg.vlans;

    networking.interfaces = {
      ${cfg.uplink} = addressing cfg.address 24;
    } // lib.mapAttrs (_: v: addressing v.address v.prefixLength) cfg.vlans;

    networking.firewall.enable = true;
  };
}

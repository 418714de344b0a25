# networking.hostName, domain, hosts, extraHosts, nameservers, interfaces,
# vlans, defaultGateway: /etc/hostname, /etc/hosts and systemd-networkd files
# under /etc/systemd/network.
{ config, lib, pkgs, ... }:
let
  cfg = config.networking;
  inherit (lib) types mkOption;

  addressOptions = family: { ... }: {
    options = {
      address = mkOption { type = types.str; description = "An IP${family} address."; };
      prefixLength = mkOption {
        type = if family == "v4" then types.ints.between 0 32 else types.ints.between 0 128;
        description = "The prefix length of the subnet.";
      };
    };
  };

  routeOptions = family: { ... }: {
    options = {
      address = mkOption { type = types.str; description = "The destination network's address."; };
      prefixLength = mkOption {
        type = if family == "v4" then types.ints.between 0 32 else types.ints.between 0 128;
        description = "The destination's prefix length.";
      };
      via = mkOption { type = types.nullOr types.str; default = null; description = "The gateway to route through."; };
    };
  };

  interfaceOptions = { name, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "The interface's name."; };
      useDHCP = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = "Whether the interface gets addresses by DHCP; null leaves it to `networking.useDHCP`.";
      };
      ipv4.addresses = mkOption {
        type = types.listOf (types.submodule (addressOptions "v4"));
        default = [ ];
        example = [ { address = "10.0.0.2"; prefixLength = 24; } ];
        description = "Static IPv4 addresses.";
      };
      ipv6.addresses = mkOption {
        type = types.listOf (types.submodule (addressOptions "v6"));
        default = [ ];
        description = "Static IPv6 addresses.";
      };
      ipv4.routes = mkOption {
        type = types.listOf (types.submodule (routeOptions "v4"));
        default = [ ];
        example = [ { address = "10.1.0.0"; prefixLength = 16; via = "10.0.0.254"; } ];
        description = "Static IPv4 routes (`[Route]` sections).";
      };
      ipv6.routes = mkOption {
        type = types.listOf (types.submodule (routeOptions "v6"));
        default = [ ];
        description = "Static IPv6 routes (`[Route]` sections).";
      };
      mtu = mkOption { type = types.nullOr types.ints.unsigned; default = null; description = "The interface's MTU."; };
      macAddress = mkOption { type = types.nullOr types.str; default = null; description = "A MAC address to set on the interface."; };
    };
  };

  vlanOptions = { name, ... }: {
    options = {
      id = mkOption { type = types.ints.between 0 4094; description = "The VLAN id."; };
      interface = mkOption { type = types.str; description = "The interface the VLAN is on."; };
    };
  };

  gatewayOptions = { ... }: {
    options = {
      address = mkOption { type = types.str; description = "The gateway's address."; };
      interface = mkOption { type = types.nullOr types.str; default = null; description = "The interface the gateway is reached through."; };
    };
  };
  gatewayType = types.nullOr (types.coercedTo types.str (address: { inherit address; }) (types.submodule gatewayOptions));

  fqdn = if cfg.domain != null && cfg.domain != "" then "${cfg.hostName}.${cfg.domain}" else null;

  hostsText =
    let lines = lib.mapAttrsToList (ip: names: "${ip} ${lib.concatStringsSep " " names}\n")
      (lib.filterAttrs (_: names: names != [ ]) cfg.hosts);
    in lib.concatStrings lines + lib.optionalString (cfg.extraHosts != "") "${cfg.extraHosts}\n";

  # Interfaces networkd manages: the configured ones and the parents of VLANs.
  vlanParents = lib.unique (lib.mapAttrsToList (_: v: v.interface) cfg.vlans);
  managed = lib.unique (builtins.attrNames cfg.interfaces ++ vlanParents);

  networkText = name:
    let
      i = cfg.interfaces.${name} or null;
      dhcp = if i == null || i.useDHCP == null then false else i.useDHCP;
      addresses = lib.optionals (i != null)
        (map (a: "${a.address}/${toString a.prefixLength}") (i.ipv4.addresses ++ i.ipv6.addresses));
      vlans = builtins.attrNames (lib.filterAttrs (_: v: v.interface == name) cfg.vlans);
      # A gateway goes to its interface, or, without one, to every interface
      # with static addresses of its family.
      onInterface = gw: static: gw != null && (gw.interface == name || gw.interface == null && static != [ ]);
      gateways = builtins.filter (x: x != null) [
        (if onInterface cfg.defaultGateway (if i == null then [ ] else i.ipv4.addresses) then cfg.defaultGateway else null)
        (if onInterface cfg.defaultGateway6 (if i == null then [ ] else i.ipv6.addresses) then cfg.defaultGateway6 else null)
      ];
      link = lib.filterAttrs (_: v: v != null) {
        MTUBytes = if i == null || i.mtu == null then null else toString i.mtu;
        MACAddress = if i == null then null else i.macAddress;
      };
    in
    "[Match]\nName=${name}\n"
    + lib.optionalString (link != { }) ("\n[Link]\n" + lib.concatStrings (lib.mapAttrsToList (k: v: "${k}=${v}\n") link))
    + "\n[Network]\n"
    + "DHCP=${if dhcp then "yes" else "no"}\n"
    + lib.concatMapStrings (a: "Address=${a}\n") addresses
    + lib.concatMapStrings (gw: "Gateway=${gw.address}\n") gateways
    + lib.concatMapStrings (ns: "DNS=${ns}\n") (lib.optionals (addresses != [ ]) cfg.nameservers)
    + lib.concatMapStrings (v: "VLAN=${v}\n") vlans
    + lib.concatMapStrings
      (r: "\n[Route]\nDestination=${r.address}/${toString r.prefixLength}\n"
        + lib.optionalString (r.via != null) "Gateway=${r.via}\n")
      (lib.optionals (i != null) (i.ipv4.routes ++ i.ipv6.routes));

  netdevText = name: v: "[NetDev]\nName=${name}\nKind=vlan\n\n[VLAN]\nId=${toString v.id}\n";

  networkFiles =
    builtins.listToAttrs (map (n: { name = "systemd/network/40-${n}.network"; value.text = networkText n; }) managed)
    // lib.mapAttrs' (n: v: lib.nameValuePair "systemd/network/30-${n}.netdev" { text = netdevText n v; }) cfg.vlans;

  fallbackDhcp = {
    "systemd/network/99-strata-default-dhcp.network".text =
      "# Interfaces not configured otherwise get their addresses by DHCP (networking.useDHCP).\n"
      + "[Match]\nType=ether\nName=en* eth*\n\n[Network]\nDHCP=yes\n";
  };

  usesNetworkd = managed != [ ] || cfg.defaultGateway != null || cfg.defaultGateway6 != null;
in
{
  options.networking = {
    hostName = mkOption {
      type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      default = "nixos";
      description = "The machine's host name (/etc/hostname); empty leaves it to DHCP.";
    };
    domain = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "home.arpa";
      description = "The machine's domain; with it, /etc/hosts maps the fully qualified name too.";
    };
    hosts = mkOption {
      type = types.attrsOf (types.listOf types.str);
      default = { };
      example = { "192.168.0.2" = [ "fileserver.local" "nameserver.local" ]; };
      description = "Lines of /etc/hosts: an IP address and the names that resolve to it.";
    };
    extraHosts = mkOption {
      type = types.lines;
      default = "";
      description = "Text appended to /etc/hosts.";
    };
    nameservers = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "DNS servers, given to every statically addressed interface (`DNS=`).";
    };
    useDHCP = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether Ethernet interfaces that are not configured otherwise get their
        addresses by DHCP through systemd-networkd. Off by default in Strata, so
        a machine's existing network setup is left alone unless asked.
      '';
    };
    defaultGateway = mkOption {
      type = gatewayType;
      default = null;
      example = { address = "192.168.1.1"; interface = "eth0"; };
      description = "The IPv4 default gateway (`Gateway=` of its interface).";
    };
    defaultGateway6 = mkOption {
      type = gatewayType;
      default = null;
      description = "The IPv6 default gateway (`Gateway=` of its interface).";
    };
    interfaces = mkOption {
      type = types.attrsOf (types.submodule interfaceOptions);
      default = { };
      example = { eth0.ipv4.addresses = [ { address = "10.0.0.2"; prefixLength = 24; } ]; };
      description = "Network interfaces, configured through systemd-networkd (/etc/systemd/network/40-NAME.network).";
    };
    vlans = mkOption {
      type = types.attrsOf (types.submodule vlanOptions);
      default = { };
      example = { vlan10 = { id = 10; interface = "eth0"; }; };
      description = "VLAN interfaces (/etc/systemd/network/30-NAME.netdev; the parent's .network lists them).";
    };
  };

  config = lib.mkMerge [
    {
      environment.etc.hosts.text = hostsText;
      networking.hosts = {
        "127.0.0.1" = lib.mkBefore [ "localhost" ];
        "::1" = lib.mkBefore [ "localhost" ];
      } // lib.optionalAttrs (cfg.hostName != "") {
        "127.0.0.2" = lib.mkBefore (lib.optional (fqdn != null) fqdn ++ [ cfg.hostName ]);
      };
      assertions = lib.mapAttrsToList
        (n: gw: {
          assertion = gw == null || (if gw.interface == null then managed != [ ] else builtins.elem gw.interface managed);
          message =
            if gw == null then ""
            else if gw.interface == null then "networking.${n} is set but no interface is configured in networking.interfaces; configure the interface it is reached through."
            else "networking.${n}.interface is \"${gw.interface}\", which is not in networking.interfaces; declare that interface there.";
        })
        { inherit (cfg) defaultGateway defaultGateway6; };
    }
    (lib.mkIf (cfg.hostName != "") {
      environment.etc.hostname.text = "${cfg.hostName}\n";
    })
    (lib.mkIf (usesNetworkd || cfg.useDHCP) {
      environment.etc = networkFiles // lib.optionalAttrs cfg.useDHCP fallbackDhcp;
      strata.upstreamUnits."systemd-networkd.service" = {
        wantedBy = [ "multi-user.target" ];
        restartTriggers = [
          (builtins.hashString "sha256" (builtins.toJSON (lib.mapAttrs (_: f: f.text) (networkFiles // lib.optionalAttrs cfg.useDHCP fallbackDhcp))))
        ];
      };
    })
  ];
}

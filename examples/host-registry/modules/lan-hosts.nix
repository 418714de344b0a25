# Every registered host's address in /etc/hosts, by short and LAN name.
{ config, lib, constants, ... }:
let
  cfg = config.fleet.lanHosts;
  inherit (constants.defaults) lanDomain;
in
{
  options.fleet.lanHosts = {
    enable = lib.mkEnableOption "names for the registered hosts in /etc/hosts";
  };

  config = lib.mkIf cfg.enable {
    networking.hosts = lib.mapAttrs' (
      name: host: lib.nameValuePair host.address [ name "${name}.${lanDomain}" ]
    ) (lib.filterAttrs (name: _: name != config.networking.hostName) constants.hosts);
  };
}

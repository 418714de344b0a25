# OpenSSH: keys only, no root login, reachable only where the machine says.
{ config, lib, hwcLib, ... }:
let
  cfg = config.hwc.system.ssh;
in
{
  options.hwc.system.ssh = {
    enable = lib.mkEnableOption "the OpenSSH server";

    port = lib.mkOption {
      type = lib.types.port;
      default = 22;
      description = "Port sshd listens on.";
    };

    interfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "management" ];
      description = "Interfaces (VLANs) where the port is open; empty: every interface.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.openssh = {
      enable = true;
      ports = [ cfg.port ];
      openFirewall = false;
      settings = {
        PasswordAuthentication = false;
        KbdInteractiveAuthentication = false;
        PermitRootLogin = "no";
      };
    };

    networking.firewall = hwcLib.firewallFor cfg.interfaces [ cfg.port ];

    strata.healthChecks = [
      {
        name = "ssh";
        type = "tcp";
        host = "127.0.0.1";
        inherit (cfg) port;
        timeout = 10;
      }
    ];
  };
}

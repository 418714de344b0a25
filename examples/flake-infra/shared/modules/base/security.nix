# Baseline security: SSH with keys only, sudo for admins, kernel hardening.
{ config, lib, ... }:
let
  cfg = config.mxmlabs.base.security;
in
{
  options.mxmlabs.base.security = {
    enable = lib.mkEnableOption "the security baseline";

    sshPort = lib.mkOption {
      type = lib.types.port;
      default = 22;
      description = "Port of the SSH server.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.openssh = {
      enable = true;
      ports = [ cfg.sshPort ];
      openFirewall = true;
      settings = {
        PasswordAuthentication = false;
        KbdInteractiveAuthentication = false;
        PermitRootLogin = "no";
        X11Forwarding = false;
      };
    };

    security.sudo.extraRules = [
      {
        groups = [ "wheel" ];
        commands = [
          {
            command = "ALL";
            options = [ "NOPASSWD" ];
          }
        ];
      }
    ];

    networking.firewall.enable = true;

    boot.kernel.sysctl = {
      "kernel.kptr_restrict" = 2;
      "kernel.dmesg_restrict" = 1;
      "net.ipv4.conf.all.rp_filter" = 1;
      "net.ipv4.conf.all.accept_redirects" = 0;
      "net.ipv6.conf.all.accept_redirects" = 0;
    };

    strata.healthChecks = [
      {
        name = "ssh";
        type = "tcp";
        host = "127.0.0.1";
        port = cfg.sshPort;
        timeout = 10;
      }
    ];
  };
}

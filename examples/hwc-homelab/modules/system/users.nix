# The admin user: SSH keys, sudo.
{ config, lib, ... }:
let
  cfg = config.hwc.system.users;
in
{
  options.hwc.system.users = {
    enable = lib.mkEnableOption "the admin user";

    admin = lib.mkOption {
      type = lib.types.str;
      default = "eric";
      description = "Login name of the admin user.";
    };

    sshKeys = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHwcHomelabAdminKeyExampleOnly0000000000 eric@hwc" ];
      description = "Public keys that may log in as the admin user.";
    };

    passwordlessSudo = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Whether the admin user runs sudo without a password (keys are the only login).";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users.${cfg.admin} = {
      isNormalUser = true;
      description = "hwc administrator";
      extraGroups = [ "wheel" ];
      openssh.authorizedKeys.keys = cfg.sshKeys;
    };

    security.sudo.extraRules = lib.optional cfg.passwordlessSudo {
      users = [ cfg.admin ];
      commands = [
        {
          command = "ALL";
          options = [ "NOPASSWD" ];
        }
      ];
    };
  };
}

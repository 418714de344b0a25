# The people who administer every machine.
{ config, lib, ... }:
let
  cfg = config.mxmlabs.base.users;
in
{
  options.mxmlabs.base.users = {
    enable = lib.mkEnableOption "the shared admin accounts";

    admins = lib.mkOption {
      type = lib.types.attrsOf (
        lib.types.submodule {
          options.keys = lib.mkOption {
            type = lib.types.listOf lib.types.str;
            description = "SSH public keys of the admin.";
          };
          options.shell = lib.mkOption {
            type = lib.types.str;
            default = "/bin/bash";
            description = "Login shell.";
          };
        }
      );
      default = {
        max.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMxmLabsMaxExampleKeyOnly000000000000000 max@mxmlabs" ];
      };
      description = "Admins by login name: in `wheel`, with sudo and SSH access.";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users = lib.mapAttrs (_: admin: {
      isNormalUser = true;
      extraGroups = [ "wheel" ];
      inherit (admin) shell;
      openssh.authorizedKeys.keys = admin.keys;
    }) cfg.admins;
  };
}

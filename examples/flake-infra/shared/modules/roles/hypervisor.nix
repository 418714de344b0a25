# The hypervisor role: a machine that runs VMs for the others.
{ config, lib, ... }:
let
  cfg = config.mxmlabs.roles.hypervisor;
in
{
  options.mxmlabs.roles.hypervisor = {
    enable = lib.mkEnableOption "the hypervisor role";
  };

  config = lib.mkIf cfg.enable {
    mxmlabs.base = {
      users.enable = true;
      security.enable = true;
    };
    mxmlabs.services.libvirtd.enable = true;
    mxmlabs.platforms.bareMetal.enable = true;
  };
}

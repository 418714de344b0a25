# KVM virtualisation with libvirt: packages, the admins in the libvirt
# group, and the default NAT network started at boot.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.services.libvirtd;
in
{
  options.mxmlabs.services.libvirtd = {
    enable = lib.mkEnableOption "libvirt with KVM";

    users = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = builtins.attrNames config.mxmlabs.base.users.admins;
      defaultText = "the admins of mxmlabs.base.users";
      description = "Users who may manage VMs.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ pkgs.libvirt-daemon-system pkgs.qemu-system-x86 pkgs.qemu-utils ];

    users.users = lib.genAttrs cfg.users (_: { extraGroups = [ "libvirt" "kvm" ]; });
    # The packages create these groups too; an existing group keeps its id.
    users.groups.libvirt = { };
    users.groups.kvm = { };

    boot.kernel.sysctl."net.ipv4.ip_forward" = 1;

    systemd.services.libvirt-default-network = {
      description = "Start libvirt's default network";
      wantedBy = [ "multi-user.target" ];
      after = [ "libvirtd.service" ];
      requires = [ "libvirtd.service" ];
      serviceConfig.Type = "oneshot";
      serviceConfig.RemainAfterExit = true;
      script = ''
        virsh net-autostart default
        virsh net-info default | grep -q '^Active: *yes' || virsh net-start default
      '';
      path = [ (pkgs.distributionPackage "libvirt-clients") pkgs.grep ];
    };

    strata.healthChecks = [
      {
        name = "libvirtd";
        type = "unit";
        unit = "libvirtd.service";
        timeout = 30;
      }
    ];
  };
}

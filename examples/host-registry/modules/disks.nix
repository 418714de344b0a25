# A host's disk layout, declared: GPT with an ESP, optional swap and a root
# partition (optionally LUKS, with btrfs subvolumes). Strata mounts it
# (fileSystems) and writes the partitioning as an sfdisk script; it never
# repartitions by itself.
{ config, lib, ... }:
let
  cfg = config.fleet.disks;
  part = name: "/dev/disk/by-partlabel/${name}";
  rootDevice = if cfg.encrypted then "/dev/mapper/cryptroot" else part "root";
  btrfsOptions = subvolume: [ "subvol=${subvolume}" "compress=zstd" "noatime" ];
in
{
  options.fleet.disks = {
    enable = lib.mkEnableOption "the declared disk layout";

    device = lib.mkOption {
      type = lib.types.str;
      example = "/dev/nvme0n1";
      description = "The disk.";
    };

    espSize = lib.mkOption {
      type = lib.types.str;
      default = "1G";
      description = "Size of the EFI system partition.";
    };

    swapSize = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "16G";
      description = "Size of the swap partition (null: none).";
    };

    encrypted = lib.mkEnableOption "LUKS encryption of the root partition";

    fsType = lib.mkOption {
      type = lib.types.enum [ "btrfs" "ext4" "xfs" ];
      default = "ext4";
      description = "File system of the root partition.";
    };

    subvolumes = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      default = { "@" = "/"; };
      description = "btrfs subvolumes and where each is mounted.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.fsType == "btrfs" || cfg.subvolumes == { "@" = "/"; };
        message = "fleet.disks.subvolumes needs fleet.disks.fsType = \"btrfs\"";
      }
    ];

    fileSystems =
      {
        "/boot" = {
          device = part "ESP";
          fsType = "vfat";
          options = [ "umask=0077" ];
        };
      }
      // (
        if cfg.fsType == "btrfs" then
          lib.mapAttrs' (
            subvolume: mountPoint:
            lib.nameValuePair mountPoint {
              device = rootDevice;
              fsType = "btrfs";
              options = btrfsOptions subvolume;
            }
          ) cfg.subvolumes
        else
          {
            "/" = {
              device = rootDevice;
              inherit (cfg) fsType;
            };
          }
      );

    swapDevices = lib.optional (cfg.swapSize != null) { device = part "swap"; };

    environment.etc."fleet/disk-layout.sfdisk".text = ''
      # sfdisk ${cfg.device} < /etc/fleet/disk-layout.sfdisk   (destroys the disk's contents)
      label: gpt
      size=${cfg.espSize}, type=uefi, name=ESP
      ${lib.optionalString (cfg.swapSize != null) "size=${cfg.swapSize}, type=swap, name=swap\n"}type=linux, name=root
    '';
  };
}

# Machines that serve: storage tiers, metrics, and backups (on by default; a
# machine without a backup disk turns them off).
{ lib, ... }:
{
  imports = [ ./base.nix ];

  hwc.infrastructure.hardware.storage.enable = true;
  hwc.services.monitoring.nodeExporter.enable = true;
  hwc.services.backup.restic.enable = lib.mkDefault true;
}

# nuc: a small media box in the living room. Jellyfin and Immich with
# Intel Quick Sync; no VLANs, one disk for media.
{
  imports = [
    ../../profiles/media.nix
    ./hardware.nix
  ];

  networking.hostName = "nuc";
  system.stateVersion = "24.05";
  strata.tags = [ "server" "media" ];

  hwc.system.networking.address = "192.168.1.20";
  # Backups go to atlas; this box has no backup disk.
  hwc.services.backup.restic.enable = false;
}

# One machine: turns the media server on and overrides a default.
{ lib, ... }:
{
  imports = [ ./services.nix ];
  homelab.media.enable = true;
  homelab.paths.media = lib.mkForce "/mnt/tank/media";
  homelab.services.backup.ports = [ 9000 ];
}

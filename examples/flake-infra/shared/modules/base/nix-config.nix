# Nix itself, for the dev shells and builds people run on the machine:
# the package, binary caches and weekly garbage collection.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.base.nixConfig;
  nix = pkgs.distributionPackage "nix-bin";
in
{
  options.mxmlabs.base.nixConfig = {
    enable = lib.mkEnableOption "Nix with the mxmlabs caches and garbage collection";

    substituters = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "https://cache.nixos.org" "https://mxmlabs.cachix.org" ];
      description = "Binary caches, in order of preference.";
    };

    trustedPublicKeys = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="
        "mxmlabs.cachix.org-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
      ];
      description = "Keys the caches sign with.";
    };

    gc.olderThan = lib.mkOption {
      type = lib.types.str;
      default = "14d";
      description = "Store paths unused for this long are collected.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ nix ];

    environment.etc."nix/nix.conf".text = ''
      experimental-features = nix-command flakes
      substituters = ${lib.concatStringsSep " " cfg.substituters}
      trusted-public-keys = ${lib.concatStringsSep " " cfg.trustedPublicKeys}
      auto-optimise-store = true
    '';

    systemd.services.nix-gc = {
      description = "Nix garbage collection";
      serviceConfig.Type = "oneshot";
      script = "${nix}/bin/nix-collect-garbage --delete-older-than ${cfg.gc.olderThan}";
    };
    systemd.timers.nix-gc = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = "weekly";
        Persistent = true;
      };
    };
  };
}

# A module in the NixOS style: options with types and defaults, config
# switched on by `enable`, values flowing between modules.
{ config, lib, ... }:
let
  inherit (lib) mkOption mkEnableOption mkIf types;
  cfg = config.homelab.media;
in
{
  options.homelab = {
    paths.media = mkOption {
      type = types.str;
      default = "/srv/media";
      description = "Where media files live.";
    };
    media = {
      enable = mkEnableOption "the media server";
      port = mkOption { type = types.port; default = 8096; };
    };
    services = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          description = mkOption { type = types.str; default = name; };
          ports = mkOption { type = types.listOf types.port; default = [ ]; };
        };
      }));
      default = { };
    };
  };

  config.homelab.services = mkIf cfg.enable {
    jellyfin = {
      description = "Jellyfin serving ${config.homelab.paths.media}";
      ports = [ cfg.port ];
    };
  };
}

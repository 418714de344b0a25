# What Strata itself knows about a machine: its system and its tags.
{ lib, ... }:
{
  options.strata = {
    system = lib.mkOption {
      type = lib.types.str;
      example = "aarch64-linux";
      description = "The platform the machine runs on, as a Nix system double.";
    };
    tags = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "server" "media" ];
      description = "Free-form labels shown by `strata hosts` and usable to select machines.";
    };
  };
}

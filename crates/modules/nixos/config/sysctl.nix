# boot.kernel.sysctl: /etc/sysctl.d/60-strata.conf, applied by restarting
# systemd-sysctl.service when it changes.
{ config, lib, pkgs, ... }:
let
  inherit (lib) types mkOption;
  cfg = config.boot.kernel.sysctl;
  show = v: if v == true then "1" else if v == false then "0" else toString v;
  text = lib.concatStrings (lib.mapAttrsToList (k: v: "${k} = ${show v}\n") (lib.filterAttrs (_: v: v != null) cfg));
in
{
  options.boot.kernel.sysctl = mkOption {
    type = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
    default = { };
    example = { "net.ipv4.ip_forward" = 1; "vm.swappiness" = 10; };
    description = "Kernel parameters set at boot and on every switch; booleans become 1/0, null leaves one out.";
  };

  config = lib.mkIf (lib.filterAttrs (_: v: v != null) cfg != { }) {
    environment.etc."sysctl.d/60-strata.conf".text = text;
    strata.upstreamUnits."systemd-sysctl.service".restartTriggers = [ (builtins.hashString "sha256" text) ];
  };
}

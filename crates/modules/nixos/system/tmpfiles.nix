# systemd.tmpfiles.rules and systemd.tmpfiles.settings: files under /etc/tmpfiles.d.
{ config, lib, pkgs, ... }:
let
  inherit (lib) types mkOption;
  cfg = config.systemd.tmpfiles;

  entryOptions = { name, ... }: {
    options = {
      type = mkOption { type = types.str; default = name; description = "The tmpfiles line type (`d`, `f`, `L+`, ...)."; };
      mode = mkOption { type = types.str; default = "-"; description = "The mode column."; };
      user = mkOption { type = types.str; default = "-"; description = "The user column."; };
      group = mkOption { type = types.str; default = "-"; description = "The group column."; };
      age = mkOption { type = types.str; default = "-"; description = "The age column."; };
      argument = mkOption { type = types.str; default = ""; description = "The argument column."; };
    };
  };

  # A path with whitespace must be quoted in tmpfiles.d.
  showPath = p: if builtins.match ".*[[:space:]\"\\\\].*" p != null then builtins.toJSON p else p;

  settingsText = entries: lib.concatStrings (lib.concatLists (lib.mapAttrsToList
    (path: types': lib.mapAttrsToList
      (_: e: lib.concatStringsSep " " ([ e.type (showPath path) e.mode e.user e.group e.age ]
        ++ lib.optional (e.argument != "") e.argument) + "\n")
      types')
    entries));

  files = lib.optionalAttrs (cfg.rules != [ ]) {
    "tmpfiles.d/00-strata.conf".text = lib.concatMapStrings (r: "${r}\n") cfg.rules;
  } // lib.mapAttrs' (name: entries: lib.nameValuePair "tmpfiles.d/${name}.conf" { text = settingsText entries; }) cfg.settings;
in
{
  options.systemd.tmpfiles = {
    rules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "d /var/lib/foo 0750 foo foo -" ];
      description = "tmpfiles.d lines, in /etc/tmpfiles.d/00-strata.conf.";
    };
    settings = mkOption {
      type = types.attrsOf (types.attrsOf (types.attrsOf (types.submodule entryOptions)));
      default = { };
      example = { foo."/var/lib/foo".d = { mode = "0750"; user = "foo"; }; };
      description = "tmpfiles.d entries by file name, path and line type, in /etc/tmpfiles.d/NAME.conf.";
    };
  };

  config = lib.mkIf (cfg.rules != [ ] || cfg.settings != { }) {
    environment.etc = files;
    strata.upstreamUnits."systemd-tmpfiles-setup.service".restartTriggers =
      [ (builtins.hashString "sha256" (builtins.toJSON (lib.mapAttrs (_: f: f.text) files))) ];
  };
}

# environment.etc: files under /etc, and environment.systemPackages.
{ config, lib, pkgs, ... }:
let
  cfg = config.environment;
  inherit (lib) types mkOption;

  etcOptions = { name, config, options, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the file is installed.";
      };
      target = mkOption {
        type = types.str;
        default = name;
        description = "The file's path relative to /etc; defaults to the attribute name.";
      };
      text = mkOption {
        type = types.nullOr types.lines;
        default = null;
        description = "The file's content.";
      };
      source = mkOption {
        type = types.path;
        description = ''
          A file (or directory) whose content is installed. When `text` is given,
          it is set to a name that changes with the text (`/etc/strata/text/SHA256`),
          so `restartTriggers = [ config.environment.etc.NAME.source ]` restarts a
          service when the text changes; the file itself is installed at /etc/TARGET.
        '';
      };
      mode = mkOption {
        type = types.str;
        default = "symlink";
        example = "0600";
        description = ''
          The file's permissions, in octal. `symlink` (the default) installs a
          file with mode 0644; `direct-symlink` makes /etc/TARGET a symlink to `source`.
        '';
      };
      uid = mkOption { type = types.int; default = 0; description = "Owner's uid, used when `user` is not set."; };
      gid = mkOption { type = types.int; default = 0; description = "Group id, used when `group` is not set."; };
      user = mkOption {
        type = types.str;
        default = "+${toString config.uid}";
        description = "The file's owner (a name, or `+UID`).";
      };
      group = mkOption {
        type = types.str;
        default = "+${toString config.gid}";
        description = "The file's group (a name, or `+GID`).";
      };
    };
    # As in NixOS, `source` follows `text`, so `restartTriggers = [ config.environment.etc.x.source ]`
    # changes whenever the text does.
    config.source = lib.mkIf (config.text != null)
      (lib.mkDerivedConfig options.text (t: "/etc/strata/text/${builtins.hashString "sha256" t}"));
  };

  owner = who: if who == "+0" then "root" else who;

  renderEtc = f:
    let
      path = "/etc/${lib.removePrefix "/" f.target}";
      ownership = { user = owner f.user; group = owner f.group; };
      mode = if f.mode == "symlink" then "0644" else if builtins.stringLength f.mode == 3 then "0${f.mode}" else f.mode;
    in
    {
      name = path;
      value =
        if f.mode == "direct-symlink" then { symlink = toString f.source; }
        else if f.text != null then { inherit (f) text; inherit mode; } // ownership
        else { source = toString f.source; inherit mode; } // ownership;
    };
in
{
  options.environment = {
    etc = mkOption {
      type = types.attrsOf (types.submodule etcOptions);
      default = { };
      example = { "foo.conf".text = "key = value\n"; };
      description = "Files installed under /etc.";
    };
    systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = lib.literalExpression "[ pkgs.git pkgs.htop ]";
      description = "Packages installed on the machine (by their distribution package names).";
    };
  };

  config = {
    assertions = [
      (let
        targets = map (f: "/etc/${lib.removePrefix "/" f.target}") (builtins.filter (f: f.enable) (builtins.attrValues cfg.etc));
        sorted = lib.sort builtins.lessThan targets;
        twice = lib.unique (lib.concatLists (lib.zipListsWith (a: b: lib.optional (a == b) a) sorted (lib.drop 1 sorted)));
      in {
        assertion = twice == [ ];
        message = "environment.etc: more than one entry installs ${lib.concatMapStringsSep ", " (t: "`${t}'") twice}; give each file one entry (check their `target's).";
      })
    ] ++ lib.mapAttrsToList
      (name: f: {
        assertion = builtins.match "symlink|direct-symlink|[0-7]{3,4}" f.mode != null;
        message = "environment.etc.\"${name}\".mode is \"${f.mode}\"; use an octal mode such as \"0644\", or \"symlink\" or \"direct-symlink\".";
      })
      cfg.etc;

    system.build.strataEtc = builtins.listToAttrs (map renderEtc (builtins.filter (f: f.enable) (builtins.attrValues cfg.etc)));
  };
}

# time.timeZone and i18n.defaultLocale / extraLocaleSettings.
{ config, lib, pkgs, ... }:
let
  inherit (lib) types mkOption;
  tz = config.time.timeZone;
  i18n = config.i18n;
  localeText = lib.concatStrings (lib.mapAttrsToList (k: v: "${k}=${v}\n")
    ({ LANG = i18n.defaultLocale; } // i18n.extraLocaleSettings));
in
{
  options = {
    time.timeZone = mkOption {
      type = types.nullOr (types.strMatching "[^ ]+");
      default = null;
      example = "Europe/Berlin";
      description = "The time zone (a name under /usr/share/zoneinfo); null leaves the machine's setting alone.";
    };
    i18n.defaultLocale = mkOption {
      type = types.str;
      default = "en_US.UTF-8";
      description = "The default locale (`LANG` in /etc/locale.conf and /etc/default/locale).";
    };
    i18n.extraLocaleSettings = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { LC_TIME = "de_DE.UTF-8"; };
      description = "Further locale variables (`LC_*`).";
    };
  };

  config = lib.mkMerge [
    {
      environment.etc."locale.conf".text = localeText;
      environment.etc."default/locale".text = localeText;
    }
    (lib.mkIf (tz != null) {
      environment.etc.localtime = { source = "/usr/share/zoneinfo/${tz}"; mode = "direct-symlink"; };
      environment.etc.timezone.text = "${tz}\n";
    })
  ];
}

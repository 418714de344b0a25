# time.timeZone and i18n.defaultLocale / extraLocaleSettings.
{ config, lib, pkgs, ... }:
let
  inherit (lib) types mkOption;
  tz = config.time.timeZone;
  i18n = config.i18n;
  # C and POSIX locales are built in; the others must be generated.
  needsGenerating = l: !(builtins.elem l [ "C" "POSIX" "C.UTF-8" "C.utf8" ]);
  charset = l: let parts = lib.splitString "." l; in
    let c = lib.toUpper (lib.last parts); in
    if builtins.length parts < 2 then "ISO-8859-1" else if c == "UTF8" then "UTF-8" else c;
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
    i18n.supportedLocales = mkOption {
      type = types.listOf types.str;
      default = lib.unique (map (l: "${l}/${charset l}") (builtins.filter needsGenerating
        ([ i18n.defaultLocale ] ++ builtins.attrValues i18n.extraLocaleSettings)));
      example = [ "en_US.UTF-8/UTF-8" "de_DE.UTF-8/UTF-8" ];
      description = ''
        Locales generated on the machine (`/etc/locale.gen`, package `locales`),
        as `NAME/CHARSET`; by default those the locale settings use.
      '';
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
    (lib.mkIf (i18n.supportedLocales != [ ]) {
      environment.etc."locale.gen".text = lib.concatMapStrings
        (l: "${builtins.replaceStrings [ "/" ] [ " " ] l}\n") i18n.supportedLocales;
      strata.packageNames = [ "locales" ];
    })
    (lib.mkIf (tz != null) {
      strata.packageNames = [ "tzdata" ];
      environment.etc.localtime = { source = "/usr/share/zoneinfo/${tz}"; mode = "direct-symlink"; };
      environment.etc.timezone.text = "${tz}\n";
    })
  ];
}

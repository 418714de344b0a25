# systemd.services, systemd.timers and systemd.targets, rendered as unit files
# under /etc/systemd/system, with generated scripts under /etc/strata/scripts.
{ config, lib, pkgs, ... }:
let
  cfg = config.systemd;
  inherit (lib) types mkOption;
  sd = import ./systemd-lib.nix { inherit lib; };

  unitDir = "/etc/systemd/system";
  scriptDir = "/etc/strata/scripts";

  scriptOption = what: mkOption {
    type = types.lines;
    default = "";
    description = "Shell commands ${what}, run by bash with `set -e` from a generated script.";
  };

  serviceOptions = { name, ... }: {
    options = sd.commonUnitOptions // {
      environment = mkOption {
        type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]));
        default = { };
        example = { LANG = "C.UTF-8"; };
        description = "Environment variables of the service's processes (`Environment=`); null leaves one out.";
      };
      path = mkOption {
        type = types.listOf (types.oneOf [ types.package types.str ]);
        default = [ ];
        description = "Packages whose `bin` and `sbin` directories are put on the service's `PATH`; they are installed too.";
      };
      serviceConfig = mkOption {
        type = types.attrsOf sd.unitOption;
        default = { };
        example = { ExecStart = "/usr/bin/foo"; Restart = "always"; };
        description = "`[Service]` keys; lists become repeated keys, booleans `true`/`false`.";
      };
      script = scriptOption "that start the service (`ExecStart=`)";
      scriptArgs = mkOption {
        type = types.str;
        default = "";
        description = "Arguments appended to the `script`'s command line.";
      };
      preStart = scriptOption "run before the service starts (`ExecStartPre=`)";
      postStart = scriptOption "run after the service has started (`ExecStartPost=`)";
      reload = scriptOption "that reload the service (`ExecReload=`)";
      preStop = scriptOption "that stop the service (`ExecStop=`)";
      postStop = scriptOption "run after the service has stopped (`ExecStopPost=`)";
      restartIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = "Whether a switch restarts the service when its unit changed.";
      };
      reloadIfChanged = mkOption {
        type = types.bool;
        default = false;
        description = "Whether a switch reloads instead of restarting the service when its unit changed.";
      };
      stopIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether a switch stops the old service before the new files are in place
          and starts it afterwards, rather than restarting it after the switch.
        '';
      };
      startAt = mkOption {
        type = types.either types.str (types.listOf types.str);
        default = [ ];
        example = "*-*-* 03:00:00";
        description = "Calendar events (`OnCalendar=`) of a timer that starts this service.";
      };
    };
  };

  timerOptions = { name, ... }: {
    options = sd.commonUnitOptions // {
      timerConfig = mkOption {
        type = types.attrsOf sd.unitOption;
        default = { };
        example = { OnCalendar = "daily"; Persistent = true; };
        description = "`[Timer]` keys; lists become repeated keys, booleans `true`/`false`.";
      };
    };
  };

  targetOptions = { name, ... }: { options = sd.commonUnitOptions; };

  # Package or directory -> its `bin` and `sbin`.
  pathDirs = p: let prefix = toString p; in [ "${prefix}/bin" "${prefix}/sbin" ];
  systemPath = [ "/usr/local/sbin" "/usr/local/bin" "/usr/sbin" "/usr/bin" "/sbin" "/bin" ];

  # A generated script: its absolute path and its file entry.
  mkScript = unit: kind: text:
    let
      content = "#!/bin/bash\nset -e\n${text}${lib.optionalString (!lib.hasSuffix "\n" text) "\n"}";
      hash = builtins.substring 0 12 (builtins.hashString "sha256" content);
    in
    {
      path = "${scriptDir}/${unit}-${kind}-${hash}";
      file = { text = content; mode = "0755"; user = "root"; group = "root"; };
    };

  # Everything one service contributes: its files and its unit entry.
  renderService = name: def:
    let
      unit = "${name}.service";
      scripts = lib.filterAttrs (_: s: s != null) {
        start = if def.script != "" then mkScript name "start" def.script else null;
        pre-start = if def.preStart != "" then mkScript name "pre-start" def.preStart else null;
        post-start = if def.postStart != "" then mkScript name "post-start" def.postStart else null;
        reload = if def.reload != "" then mkScript name "reload" def.reload else null;
        pre-stop = if def.preStop != "" then mkScript name "pre-stop" def.preStop else null;
        post-stop = if def.postStop != "" then mkScript name "post-stop" def.postStop else null;
      };
      user = def.serviceConfig;
      # The script first, then what serviceConfig already lists for that key.
      withScript = key: kind:
        if scripts ? ${kind}
        then { ${key} = [ scripts.${kind}.path ] ++ lib.toList (user.${key} or [ ]); }
        else { };
      execStart =
        if !(scripts ? start) then { }
        else if user ? ExecStart then
          throw "systemd.services.${name}: both `script' and `serviceConfig.ExecStart' are set; keep only one of them."
        else { ExecStart = "${scripts.start.path}${lib.optionalString (def.scriptArgs != "") " ${def.scriptArgs}"}"; };
      serviceSection = user // execStart
        // withScript "ExecStartPre" "pre-start" // withScript "ExecStartPost" "post-start"
        // withScript "ExecReload" "reload" // withScript "ExecStop" "pre-stop"
        // withScript "ExecStopPost" "post-stop";
      env = def.environment // lib.optionalAttrs (def.path != [ ] && !(def.environment ? PATH)) {
        PATH = lib.concatStringsSep ":" (lib.unique (lib.concatMap pathDirs def.path ++ systemPath));
      };
      envLines = lib.concatStrings (lib.mapAttrsToList
        (n: v: lib.optionalString (v != null) "Environment=${builtins.toJSON "${n}=${toString v}"}\n") env);
      flags =
        (if def.reloadIfChanged then "X-ReloadIfChanged=true\n"
         else lib.optionalString (!def.restartIfChanged) "X-RestartIfChanged=false\n")
        + lib.optionalString (!def.stopIfChanged) "X-StopIfChanged=false\n";
      text = "[Unit]\n" + sd.renderSection (sd.unitSection name def)
        + "\n[Service]\n" + envLines + flags + sd.renderSection serviceSection
        + sd.installSection def;
    in
    {
      # A masked unit needs none of its scripts.
      files = unitFile unit def text
        // lib.optionalAttrs def.enable (lib.mapAttrs' (_: s: lib.nameValuePair s.path s.file) scripts);
      unit = unitEntry def {
        inherit (def) restartIfChanged reloadIfChanged stopIfChanged;
      };
    };

  renderTimer = name: def: {
    files = unitFile "${name}.timer" def ("[Unit]\n" + sd.renderSection (sd.unitSection name def)
      + "\n[Timer]\n" + sd.renderSection def.timerConfig + sd.installSection def);
    unit = unitEntry def { restartIfChanged = true; reloadIfChanged = false; stopIfChanged = false; };
  };

  renderTarget = name: def: {
    files = unitFile "${name}.target" def ("[Unit]\n" + sd.renderSection (sd.unitSection name def)
      + sd.installSection def);
    # A switch starts new targets but does not restart changed ones (as NixOS).
    unit = unitEntry def { restartIfChanged = false; reloadIfChanged = false; stopIfChanged = false; };
  };

  fileEntry = text: { inherit text; mode = "0644"; user = "root"; group = "root"; };

  unitFile = unit: def: text:
    if !def.enable then { "${unitDir}/${unit}" = { symlink = "/dev/null"; }; }
    else if def.overrideStrategy == "asDropin" then { "${unitDir}/${unit}.d/overrides.conf" = fileEntry text; }
    else { "${unitDir}/${unit}" = fileEntry text; };

  unitEntry = def: switchRules: switchRules // {
    inherit (def) enable wantedBy requiredBy;
    restartTriggers = map sd.triggerString def.restartTriggers;
    reloadTriggers = map sd.triggerString def.reloadTriggers;
  };

  rendered =
    let
      withSuffix = suffix: render: defs:
        lib.mapAttrsToList (name: def: { name = "${name}.${suffix}"; value = render name def; }) defs;
      all = withSuffix "service" renderService cfg.services
        ++ withSuffix "timer" renderTimer cfg.timers
        ++ withSuffix "target" renderTarget cfg.targets;
    in
    {
      files = lib.foldl' (acc: r: acc // r.value.files) { } all;
      units = builtins.listToAttrs (map (r: { inherit (r) name; value = r.value.unit; }) all);
    };
in
{
  options.systemd = {
    services = mkOption {
      type = types.attrsOf (types.submodule serviceOptions);
      default = { };
      description = "systemd services, rendered as `/etc/systemd/system/NAME.service`.";
    };
    timers = mkOption {
      type = types.attrsOf (types.submodule timerOptions);
      default = { };
      description = "systemd timers, rendered as `/etc/systemd/system/NAME.timer`.";
    };
    targets = mkOption {
      type = types.attrsOf (types.submodule targetOptions);
      default = { };
      description = "systemd targets, rendered as `/etc/systemd/system/NAME.target`.";
    };
  };

  config = {
    systemd.timers = lib.mapAttrs
      (name: service: {
        wantedBy = [ "timers.target" ];
        timerConfig.OnCalendar = service.startAt;
      })
      (lib.filterAttrs (_: service: service.enable && service.startAt != [ ]) cfg.services);

    # Packages on a service's PATH are installed.
    strata.packageSources = lib.concatMap (service: service.path) (builtins.attrValues cfg.services);

    system.build.strataUnits = rendered;
  };
}

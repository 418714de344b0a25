# Helpers shared by the systemd modules: the unit-option type and the
# rendering of unit sections. Imported as `import ./systemd-lib.nix { inherit lib; }`.
{ lib }:
let
  inherit (lib) types;

  isPrimitive = v:
    builtins.isBool v || builtins.isInt v || builtins.isString v || builtins.isPath v
    || lib.isDerivation v;
in
rec {
  # The value of one unit key: a scalar, or a list that becomes one line per
  # element. Lists from several definitions are concatenated; scalars must agree.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    description = "systemd unit option value (boolean, integer, string, path, package, or a list of them)";
    check = v: isPrimitive v || (builtins.isList v && builtins.all isPrimitive v);
    merge = loc: defs:
      if builtins.any (d: builtins.isList d.value) defs
      then builtins.concatMap (d: lib.toList d.value) defs
      else lib.mergeEqualOption loc defs;
  };

  # A unit value as systemd reads it.
  showValue = v:
    if v == true then "true"
    else if v == false then "false"
    else toString v;

  # `{ After = "a b"; Wants = [ "x" "y" ]; }` -> "After=a b\nWants=x\nWants=y\n",
  # keys in sorted order, list elements as repeated keys, nulls dropped.
  renderSection = attrs:
    lib.concatStrings (lib.concatLists (lib.mapAttrsToList
      (key: value: map (v: "${key}=${showValue v}\n") (if builtins.isList value then value else [ value ]))
      (lib.filterAttrs (_: v: v != null) attrs)));

  # Space-separated list value, or null when empty (so the key is left out).
  joined = list: if list == [ ] then null else toString list;

  # The [Unit] keys NixOS derives from the named unit options, then `unitConfig`.
  unitSection = name: def:
    {
      Description = if def.description == "" then null else def.description;
      Documentation = joined def.documentation;
      Requires = joined def.requires;
      Wants = joined def.wants;
      After = joined def.after;
      Before = joined def.before;
      BindsTo = joined def.bindsTo;
      PartOf = joined def.partOf;
      Conflicts = joined def.conflicts;
      Requisite = joined def.requisite;
      OnFailure = joined def.onFailure;
      OnSuccess = joined def.onSuccess;
      StartLimitBurst = def.startLimitBurst;
      StartLimitIntervalSec = def.startLimitIntervalSec;
    } // def.unitConfig;

  installSection = def:
    let
      section = lib.filterAttrs (_: v: v != null) {
        WantedBy = joined def.wantedBy;
        RequiredBy = joined def.requiredBy;
        UpheldBy = joined def.upheldBy;
        Alias = joined def.aliases;
      };
    in
    if section == { } then "" else "\n[Install]\n" + renderSection section;

  # Restart and reload triggers as the strings activation compares.
  triggerString = t:
    if builtins.isString t then t
    else if builtins.isPath t then toString t
    else if builtins.isAttrs t && t ? outPath then toString t
    else builtins.toJSON t;

  # The options every unit kind has (NixOS's common unit options).
  commonUnitOptions = {
    enable = lib.mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether the unit is installed. A disabled unit is masked (its file is a
        symlink to /dev/null), so a distribution unit of the same name cannot start.
      '';
    };
    description = lib.mkOption {
      type = types.singleLineStr;
      default = "";
      description = "Description of the unit (`Description=`).";
    };
    documentation = lib.mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Documentation URLs (`Documentation=`).";
    };
    requires = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units this unit requires (`Requires=`)."; };
    wants = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units this unit wants (`Wants=`)."; };
    after = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units this unit starts after (`After=`)."; };
    before = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units this unit starts before (`Before=`)."; };
    bindsTo = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "`BindsTo=` dependencies."; };
    partOf = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "`PartOf=` dependencies."; };
    conflicts = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "`Conflicts=` dependencies."; };
    requisite = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "`Requisite=` dependencies."; };
    onFailure = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units activated when this one fails (`OnFailure=`)."; };
    onSuccess = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units activated when this one succeeds (`OnSuccess=`)."; };
    wantedBy = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units that want this one (`[Install] WantedBy=`)."; };
    requiredBy = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units that require this one (`[Install] RequiredBy=`)."; };
    upheldBy = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Units that uphold this one (`[Install] UpheldBy=`)."; };
    aliases = lib.mkOption { type = types.listOf types.str; default = [ ]; description = "Other names of the unit (`[Install] Alias=`)."; };
    startLimitBurst = lib.mkOption { type = types.nullOr types.int; default = null; description = "`StartLimitBurst=`."; };
    startLimitIntervalSec = lib.mkOption { type = types.nullOr types.int; default = null; description = "`StartLimitIntervalSec=`."; };
    unitConfig = lib.mkOption {
      type = types.attrsOf unitOption;
      default = { };
      example = { RequiresMountsFor = "/data"; };
      description = "Further `[Unit]` keys; lists become repeated keys, booleans `true`/`false`.";
    };
    restartTriggers = lib.mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "Values whose change restarts the unit on a switch.";
    };
    reloadTriggers = lib.mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "Values whose change reloads the unit on a switch.";
    };
    overrideStrategy = lib.mkOption {
      type = types.enum [ "asDropinIfExists" "asDropin" ];
      default = "asDropinIfExists";
      description = ''
        `asDropin` renders the definition as a drop-in
        (`/etc/systemd/system/NAME.d/overrides.conf`) over a unit the distribution
        ships; otherwise it is a complete unit file.
      '';
    };
  };
}

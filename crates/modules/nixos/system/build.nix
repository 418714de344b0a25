# `system.build.strata`: the whole rendered machine (files, units, users,
# groups, packages, firewall, health checks, warnings) that a generation is
# written from. Also `system.stateVersion`, `strata.healthChecks` and the
# internal options the other standard modules report into.
{ config, lib, options, ... }:
let
  inherit (lib) types mkOption;
  cfg = config.strata;

  defaultStateVersion = "25.05";

  healthCheck = { config, ... }: {
    options = {
      name = mkOption { type = types.str; description = "Name of the check, shown when it fails."; };
      type = mkOption {
        type = types.enum [ "unit" "tcp" "http" "command" ];
        description = ''
          What is checked: a unit is active, a TCP port answers, a URL returns
          success, or a command exits 0. By default, the kind whose field is set
          (`unit`, `port`, `url`, then `command`).
        '';
      };
      unit = mkOption { type = types.nullOr types.str; default = null; description = "The unit (`type = \"unit\"`)."; };
      host = mkOption { type = types.str; default = "127.0.0.1"; description = "The host to connect to (`type = \"tcp\"`)."; };
      port = mkOption { type = types.nullOr types.port; default = null; description = "The TCP port (`type = \"tcp\"`)."; };
      url = mkOption { type = types.nullOr types.str; default = null; description = "The URL (`type = \"http\"`)."; };
      command = mkOption { type = types.nullOr types.str; default = null; description = "The shell command (`type = \"command\"`)."; };
      timeout = mkOption { type = types.ints.positive; default = 30; description = "Seconds the check may take."; };
    };
    config.type = lib.mkDefault (
      if config.unit != null then "unit"
      else if config.port != null then "tcp"
      else if config.url != null then "http"
      else "command");
  };

  # The field each kind of check needs.
  checkField = { unit = "unit"; tcp = "port"; http = "url"; command = "command"; };

  renderCheck = c:
    { inherit (c) name type timeout; }
    // (if c.type == "tcp" then { inherit (c) host port; } else { ${checkField.${c.type}} = c.${checkField.${c.type}}; });

  upstreamUnit = { ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; description = "Whether the unit is enabled and running."; };
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Units that want this one."; };
      requiredBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Units that require this one."; };
      restartIfChanged = mkOption { type = types.bool; default = true; description = "Whether a change restarts it."; };
      reloadIfChanged = mkOption { type = types.bool; default = false; description = "Whether a change reloads it instead."; };
      stopIfChanged = mkOption { type = types.bool; default = false; description = "Whether it is stopped before the switch and started after."; };
      restartTriggers = mkOption { type = types.listOf types.str; default = [ ]; description = "Values whose change restarts it."; };
      reloadTriggers = mkOption { type = types.listOf types.str; default = [ ]; description = "Values whose change reloads it."; };
    };
  };

  packageName = p:
    if builtins.isAttrs p then p.strataPackage or p.pname or (builtins.parseDrvName p.name).name
    else toString p;

  failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);

  build = config.system.build;

  # Files from `environment.etc` and those the modules render directly (units,
  # scripts); a path may come from only one of them.
  files =
    let
      generated = build.strataUnits.files;
      clash = builtins.attrNames (builtins.intersectAttrs generated build.strataEtc);
    in
    if clash != [ ] then
      throw "environment.etc defines ${lib.concatMapStringsSep ", " (p: "`${p}'") clash}, which Strata renders from systemd.*; define the unit through systemd.services (or systemd.timers, systemd.targets) instead."
    else build.strataEtc // generated;

  rendered = {
    hostName = config.networking.hostName;
    stateVersion = config.system.stateVersion;
    inherit files;
    units = build.strataUnits.units // lib.mapAttrs (_: u: {
      inherit (u) enable wantedBy requiredBy restartIfChanged reloadIfChanged stopIfChanged restartTriggers reloadTriggers;
    }) cfg.upstreamUnits;
    users = build.strataUsers.users;
    groups = build.strataUsers.groups;
    packages = lib.sort builtins.lessThan (lib.unique (
      map packageName (builtins.filter lib.isDerivation (config.environment.systemPackages ++ cfg.packageSources))
      ++ cfg.packageNames));
    firewall = build.strataFirewall;
    healthChecks = map renderCheck cfg.healthChecks;
    warnings = config.warnings;
  };
in
{
  options = {
    system.build = mkOption {
      type = types.lazyAttrsOf types.unspecified;
      default = { };
      internal = true;
      description = "Results of building the machine; `system.build.strata` is the rendered machine.";
    };

    system.stateVersion = mkOption {
      type = types.str;
      default = defaultStateVersion;
      example = "24.05";
      description = ''
        The release whose defaults the machine's stateful data was created with.
        Set it once when a machine is first installed and leave it.
      '';
    };

    strata.healthChecks = mkOption {
      type = types.listOf (types.submodule healthCheck);
      default = [ ];
      example = [
        { name = "nginx"; type = "unit"; unit = "nginx.service"; }
        { name = "web"; type = "http"; url = "http://127.0.0.1/"; timeout = 10; }
      ];
      description = ''
        Checks run after a switch; when one fails, Strata rolls the machine back
        to its previous generation.
      '';
    };

    strata.packageNames = mkOption {
      type = types.listOf types.str;
      default = [ ];
      internal = true;
      description = "Distribution package names the standard modules need (for example `openssh-server`).";
    };

    strata.packageSources = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      internal = true;
      description = "Packages referenced elsewhere (service `path`, user `packages`, shells) that must be installed.";
    };

    strata.upstreamUnits = mkOption {
      type = types.attrsOf (types.submodule upstreamUnit);
      default = { };
      internal = true;
      description = ''
        Units the distribution ships (no unit file is rendered) that Strata
        enables, restarts or reloads, such as `ssh.service`.
      '';
    };
  };

  config = {
    assertions = [
      (let
        names = map (c: c.name) cfg.healthChecks;
        twice = lib.unique (builtins.filter (n: lib.count (m: m == n) names > 1) names);
      in {
        assertion = twice == [ ];
        message = "strata.healthChecks: more than one check is named ${lib.concatMapStringsSep ", " (n: "`${n}'") twice}; give each check its own name.";
      })
    ] ++ map
      (c: {
        assertion = c.${checkField.${c.type}} != null;
        message = "strata.healthChecks: the check `${c.name}' has type \"${c.type}\" but no `${checkField.${c.type}}'.";
      })
      cfg.healthChecks;

    warnings = lib.optional (options.system.stateVersion.highestPrio >= 1500)
      "system.stateVersion is not set; it defaults to ${defaultStateVersion}. Set it to the release the machine was first installed with, and keep it.";

    system.build.strata =
      if failedAssertions != [ ] then
        throw "Failed assertions:\n${lib.concatMapStringsSep "\n" (m: "- ${m}") failedAssertions}"
      else rendered;
  };
}

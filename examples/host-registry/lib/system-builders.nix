# Builders: from a registry entry and a host folder to a machine.
{ strata, constants }:
let
  inherit (strata) lib;

  # What each host feature adds to a machine's imports.
  featureModules = {
    development = ../profiles/features/development.nix;
    multimedia = ../profiles/features/multimedia.nix;
    security = ../profiles/features/security.nix;
    media-server = ../profiles/features/media-server.nix;
    travel-router = ../profiles/features/travel-router.nix;
  };

  featureModule =
    name: feature:
    featureModules.${feature}
      or (throw "lib/constants.nix: host `${name}' has the unknown feature `${feature}' (known: ${lib.concatStringsSep ", " (builtins.attrNames featureModules)})");
in
rec {
  # Module arguments every machine gets.
  mkSpecialArgs = name: host: {
    inherit constants;
    hostName = name;
    hostInfo = host;
    hasFeature = feature: builtins.elem feature host.hostFeatures;
  };

  # One NixOS-style machine. The custom modules and hosts/common are always
  # included; the host's features decide which feature profiles are.
  mkNixosConfig =
    { name, host, hostConfig, extraModules ? [ ] }:
    strata.lib.nixosSystem {
      inherit (host) system;
      specialArgs = mkSpecialArgs name host;
      modules =
        [
          hostConfig
          ../modules
          ../hosts/common
          {
            networking.hostName = name;
            strata.tags = [ host.hostType ] ++ host.hostFeatures;
          }
        ]
        ++ map (featureModule name) host.hostFeatures
        ++ extraModules;
    };

  # Every folder of `dir` with a configuration.nix is a machine; each must be
  # registered in lib/constants.nix, and every registered Linux host must
  # have its folder.
  discoverHosts =
    dir:
    let
      folders = lib.filterAttrs (
        name: kind: kind == "directory" && builtins.pathExists (dir + "/${name}/configuration.nix")
      ) (builtins.readDir dir);
      unregistered = builtins.filter (name: !(constants.hosts ? ${name})) (builtins.attrNames folders);
      linuxHosts = lib.filterAttrs (_: host: lib.hasSuffix "-linux" host.system) constants.hosts;
      missing = builtins.filter (name: !(folders ? ${name})) (builtins.attrNames linuxHosts);
    in
    if unregistered != [ ] then
      throw "hosts/${builtins.head unregistered}/configuration.nix exists but lib/constants.nix has no host `${builtins.head unregistered}': register it under `hosts'"
    else if missing != [ ] then
      throw "lib/constants.nix registers the Linux host `${builtins.head missing}' but hosts/${builtins.head missing}/configuration.nix does not exist"
    else
      lib.mapAttrs (
        name: _:
        mkNixosConfig {
          inherit name;
          host = constants.hosts.${name};
          hostConfig = dir + "/${name}/configuration.nix";
        }
      ) folders;
}

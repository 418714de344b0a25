# Reading and changing derivations' `meta`, names and priorities, and
# matching platforms.
{ lib }:
let
  inherit (builtins) isString parseDrvName typeOf match;
  inherit (lib.attrsets) isDerivation;
in
rec {
  addMetaAttrs = extra: drv: drv // { meta = (drv.meta or { }) // extra; };

  dontDistribute = addMetaAttrs { hydraPlatforms = [ ]; };

  setName = name: drv: drv // { inherit name; };

  updateName = rename: drv: drv // { name = rename drv.name; };

  appendToName = suffix: updateName (name:
    let parsed = parseDrvName name; in
    "${parsed.name}-${suffix}-${parsed.version}");

  mapDerivationAttrset = f: set:
    builtins.mapAttrs (_: value: if isDerivation value then f value else value) set;

  defaultPriority = 5;

  setPrio = priority: addMetaAttrs { inherit priority; };

  lowPrio = setPrio 10;

  hiPrio = setPrio (-10);

  lowPrioSet = mapDerivationAttrset lowPrio;

  hiPrioSet = mapDerivationAttrset hiPrio;

  # A platform matches a system string, or a pattern over its `parsed` form.
  platformMatch = platform: pattern:
    if isString pattern then platform ? system && platform.system == pattern
    else lib.attrsets.matchAttrs (if pattern ? parsed then pattern else { parsed = pattern; }) platform;

  availableOn = platform: pkg:
    (!(pkg ? meta.platforms) || builtins.any (platformMatch platform) pkg.meta.platforms)
    && builtins.all (p: !(platformMatch platform p)) (pkg.meta.badPlatforms or [ ]);

  getExe = pkg:
    getExe' pkg (pkg.meta.mainProgram or (lib.warn
      "getExe: package ${lib.strings.escapeNixIdentifier (pkg.meta.name or pkg.pname or pkg.name)} has no meta.mainProgram; assuming its main program is named like the package. Set meta.mainProgram, or use lib.getExe' pkg \"program\" to name it."
      (lib.strings.getName pkg)));

  getExe' = pkg: program:
    assert lib.assertMsg (isDerivation pkg)
      "lib.meta.getExe': The first argument is of type ${typeOf pkg}, but it should be a derivation instead.";
    assert lib.assertMsg (isString program)
      "lib.meta.getExe': The second argument is of type ${typeOf program}, but it should be a string instead.";
    assert lib.assertMsg (match ".*/.*" program == null)
      "lib.meta.getExe': The second argument \"${program}\" is a nested path with a \"/\" character, but it should just be the name of the executable instead.";
    "${lib.attrsets.getBin pkg}/bin/${program}";
}

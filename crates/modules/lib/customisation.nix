# Calling package functions with automatic arguments, overriding their
# arguments and results, and package scopes.
{ lib }:
let
  inherit (builtins) intersectAttrs attrNames isAttrs listToAttrs head;
  inherit (lib.trivial) isFunction functionArgs setFunctionArgs mirrorFunctionArgs;
  inherit (lib.attrsets) isDerivation optionalAttrs filterAttrs;
in
rec {
  # Rebuild a derivation from its attributes changed by `f`.
  overrideDerivation = drv: f:
    let
      changed = derivation (drv.drvAttrs // f drv);
      carried = {
        meta = drv.meta or { };
        passthru = drv.passthru or { };
      } // (drv.passthru or { });
    in
    extendDerivation (builtins.seq drv.drvPath true) carried changed;

  # Make the result of `f args` carry `override` (call again with changed
  # arguments) and, for sets, `overrideDerivation` / `overrideAttrs`.
  makeOverridable = f:
    let mirror = mirrorFunctionArgs f; in
    mirror (args:
      let
        result = f args;
        withArgs = changes: args // (if isFunction changes then changes args else changes);
        override = mirror (changes: makeOverridable f (withArgs changes));
        mapResult = g: makeOverridable (mirror (a: g (f a))) args;
      in
      if isAttrs result then
        result // {
          inherit override;
          overrideDerivation = change: mapResult (x: overrideDerivation x change);
          ${if result ? overrideAttrs then "overrideAttrs" else null} =
            change: mapResult (x: x.overrideAttrs change);
        }
      else if isFunction result then
        setFunctionArgs result (functionArgs result) // { inherit override; }
      else result);

  callPackageWith = autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      formals = functionArgs f;
      given = intersectAttrs formals autoArgs // args;
      missing = filterAttrs (_: optional: !optional) (removeAttrs formals (attrNames given));
      where =
        let pos = builtins.unsafeGetAttrPos (head (attrNames missing)) formals; in
        if pos == null then "<unknown location>" else "${pos.file}:${toString pos.line}";
      candidates = attrNames (autoArgs // args);
      nameMissing = head (attrNames missing);
      close = builtins.filter (lib.strings.levenshteinAtMost 2 nameMissing) candidates;
      ranked = lib.lists.sortOn (lib.strings.levenshtein nameMissing) close;
      suggestions = lib.lists.take 3 ranked;
      hint =
        if suggestions == [ ] then ""
        else if builtins.length suggestions == 1 then ", did you mean ${builtins.toJSON (head suggestions)}?"
        else ", did you mean ${lib.strings.concatMapStringsSep ", " builtins.toJSON (lib.lists.init suggestions)} or ${builtins.toJSON (lib.lists.last suggestions)}?";
    in
    if missing == { } then makeOverridable f given
    else abort "lib.customisation.callPackageWith: Function called without required argument ${builtins.toJSON nameMissing} at ${where}${hint}";

  callPackagesWith = autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      mirror = mirrorFunctionArgs f;
      initial = intersectAttrs (functionArgs f) autoArgs // args;
      packages = f initial;
      overridable = name: _: makeOverridable (mirror (a: (f a).${name})) initial;
    in
    if isDerivation packages then
      throw "function `callPackages` was called on a *single* derivation \"${packages.name or "<unknown-name>"}\"; did you mean to use `callPackage` instead?"
    else builtins.mapAttrs overridable packages;

  # Add `passthru` to a derivation and every one of its outputs; reading
  # the paths first asserts `condition`.
  extendDerivation = condition: passthru: drv:
    let
      outputNames = drv.outputs or [ "out" ];
      common = drv // listToAttrs outputs // { all = map (o: o.value) outputs; } // passthru;
      outputs = map
        (name: {
          inherit name;
          value = common // {
            inherit (drv.${name}) type outputName;
            outputSpecified = true;
            drvPath = assert condition; drv.${name}.drvPath;
            outPath = assert condition; drv.${name}.outPath;
          } // optionalAttrs (passthru ? overrideAttrs) {
            overrideAttrs = change: (passthru.overrideAttrs change).${name};
          };
        })
        outputNames;
    in
    common // {
      drvPath = assert condition; drv.drvPath;
      outPath = assert condition; drv.outPath;
    };

  # Strip a derivation down to what Hydra needs to build it.
  hydraJob = drv:
    let
      outputNames = drv.outputs or [ "out" ];
      common = {
        inherit (drv) name system meta;
        outputs = outputNames;
      } // optionalAttrs (drv._hydraAggregate or false) {
        _hydraAggregate = true;
        constituents = map hydraJob (lib.lists.flatten drv.constituents);
      } // listToAttrs outputs;
      outputs = map
        (name: {
          inherit name;
          value = common // {
            inherit (drv.${name}) outPath drvPath;
            type = "derivation";
            outputName = name;
          };
        })
        outputNames;
      first = (head outputs).value;
    in
    if drv == null then null else builtins.deepSeq first first;

  # A package set whose members can call each other through `callPackage`.
  makeScope = newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
        packages = f;
      };
    in
    self;
}

# Strata's `lib`, call-compatible with nixpkgs' `lib` for what configuration
# repositories use. Import it as `import <strata/lib>`.
#
# Every file here is a function `{ lib }: { ... }`. This file builds the
# fixed point: each file receives the finished `lib` (including any
# `lib.extend` overlays), so files may use each other freely as long as no
# attribute's value depends on itself.
#
# Not provided (nixpkgs areas outside Strata's scope): licenses, licensesSpdx,
# getLicenseFromSpdxId(Or), maintainers, teams, systems, platforms, fileset,
# path, sources (cleanSource, sourceByRegex, ...), cli, gvariant
# (toDconfINI, mkDconfKeyValue), kernel, network (mkEUI64Suffix), fetchers,
# flakes, derivations (lazyDerivation, optionalDrvAttr, warnOnInstantiate),
# stringsWithDeps (textClosureList, stringAfter, ...), asciiTable,
# makeScopeWithSplicing('), extendMkDerivation, mapCrossIndex,
# renameCrossIndexFrom/To, cpeFullVersionWithVendor, and the deprecated
# `misc` helpers (checkFlag, mergeAttrBy, closePropagation, uniqList, ...).
let
  # A set built from `build final` that can be extended with overlays
  # `final: prev: { ... }` through `extend`.
  extensible = build:
    let
      self = build self // {
        extend = overlay: extensible (final:
          let prev = build final; in prev // overlay final prev);
      };
    in
    self;

  files = lib:
    let
      load = file: import file { inherit lib; };
      # modules.nix also gives types.nix some of its internals.
      modules = load ./modules.nix;
    in {
      trivial = load ./trivial.nix;
      attrsets = load ./attrsets.nix;
      lists = load ./lists.nix;
      strings = load ./strings.nix;
      fixedPoints = load ./fixed-points.nix;
      versions = load ./versions.nix;
      asserts = load ./asserts.nix;
      debug = load ./debug.nix;
      generators = load ./generators.nix;
      meta = load ./meta.nix;
      customisation = load ./customisation.nix;
      filesystem = load ./filesystem.nix;
      options = load ./options.nix;
      types = import ./types.nix { inherit lib; inherit (modules) internal; };
      modules = builtins.removeAttrs modules [ "internal" ];
    };

  # The areas plus the names nixpkgs' lib re-exports at its top level.
  build = lib:
    let area = files lib; in
    area // {
      inherit (builtins)
        addDrvOutputDependencies appendContext attrNames baseNameOf
        convertHash flakeRefToString parseFlakeRef
        concatLists deepSeq dirOf fromJSON fromTOML genericClosure getAttr
        getContext hasAttr hasContext hashFile hashString intersectAttrs
        isAttrs isList isPath isString listToAttrs map match parseDrvName
        pathExists placeholder readDir readFile removeAttrs replaceStrings
        seq split stringLength substring toFile toJSON toString toXML tryEval
        typeOf unsafeDiscardOutputDependency unsafeDiscardStringContext
        unsafeGetAttrPos;

      inherit (area.trivial)
        id const pipe concat or and xor bitAnd bitOr bitXor bitNot
        boolToString boolToYesNo mergeAttrs flip defaultTo mapNullable
        inNixShell inPureEvalMode isFloat min max importJSON importTOML warn
        warnIf warnIfNot throwIf throwIfNot checkListOfEnum info showWarnings
        nixpkgsVersion version isInOldestRelease oldestSupportedReleaseIsAtLeast
        mod compare splitByAndCompare lessThan add sub
        functionArgs setFunctionArgs isFunction toFunction mirrorFunctionArgs
        fromHexString toHexString toBaseDigits isInt isBool
        ceil floor div mul;

      inherit (area.fixedPoints)
        fix fix' converge extends composeExtensions composeManyExtensions
        makeExtensible makeExtensibleWithCustomName toExtension;

      inherit (area.attrsets)
        attrByPath hasAttrByPath setAttrByPath getAttrFromPath attrVals
        attrValues getAttrs catAttrs filterAttrs filterAttrsRecursive
        foldlAttrs foldAttrs collect nameValuePair mapAttrs mapAttrs'
        mapAttrsToList attrsToList concatMapAttrs mapAttrsRecursive
        mapAttrsRecursiveCond mapAttrsToListRecursive
        mapAttrsToListRecursiveCond genAttrs genAttrs' isDerivation
        toDerivation optionalAttrs zipAttrsWithNames zipAttrsWith zipAttrs
        recursiveUpdateUntil recursiveUpdate matchAttrs mergeAttrsList
        overrideExisting showAttrPath getOutput getFirstOutput getBin getLib
        getStatic getDev getInclude getMan chooseDevOutputs recurseIntoAttrs
        dontRecurseIntoAttrs cartesianProduct mapCartesianProduct
        updateManyAttrsByPath;

      inherit (area.lists)
        singleton forEach foldr fold foldl foldl' imap0 imap1 filter ifilter0
        concatMap flatten remove findSingle findFirst any all count optional
        optionals toList range replicate partition zipListsWith zipLists
        reverseList listDfs toposort sort sortOn naturalSort compareLists
        take takeEnd drop dropEnd sublist last init crossLists unique
        uniqueStrings allUnique intersectLists subtractLists
        mutuallyExclusive groupBy groupBy' concatAttrValues replaceElemAt
        head tail elem elemAt length genList;

      inherit (area.strings)
        concatStrings concatMapStrings concatImapStrings
        replaceString intersperse concatStringsSep
        concatMapStringsSep concatMapAttrsStringSep concatImapStringsSep
        concatLines makeSearchPath makeSearchPathOutput makeLibraryPath
        makeIncludePath makeBinPath optionalString hasInfix hasPrefix
        hasSuffix join stringToCharacters stringAsChars escape escapeShellArg
        escapeShellArgs isStorePath isStringLike isValidPosixName toShellVar
        toShellVars trim trimWith escapeRegex escapeURL escapeXML
        lowerChars upperChars toLower toUpper toSentenceCase
        toCamelCase addContextFrom splitString splitStringBy removePrefix
        removeSuffix versionOlder versionAtLeast getName getVersion
        cmakeOptionType cmakeBool cmakeFeature mesonOption mesonBool
        mesonEnable nameFromURL enableFeature enableFeatureAs withFeature
        withFeatureAs fixedWidthString fixedWidthNumber toInt toIntBase10
        fileContents;

      inherit (area.versions) splitVersion compareVersions;

      inherit (area.asserts) assertMsg assertOneOf;

      inherit (area.debug)
        addErrorContext traceIf traceVal traceValFn traceSeq traceSeqN
        traceValSeq traceValSeqFn traceValSeqN traceValSeqNFn traceFnSeqN
        runTests testAllTrue trace;

      inherit (area.generators) mkLuaInline;

      inherit (area.meta)
        addMetaAttrs dontDistribute setName updateName appendToName
        mapDerivationAttrset setPrio lowPrio lowPrioSet hiPrio hiPrioSet
        getExe getExe';

      inherit (area.customisation)
        overrideDerivation makeOverridable callPackageWith callPackagesWith
        extendDerivation hydraJob makeScope;

      inherit (area.filesystem)
        pathType pathIsDirectory pathIsRegularFile
        packagesFromDirectoryRecursive readFileType;

      # From the module system's files.
      inherit (area.modules)
        evalModules setDefaultModuleLocation unifyModuleSyntax
        applyModuleArgsIfFunction mergeModules mergeModules'
        mergeOptionDecls mergeDefinitions evalOptionValue pushDownProperties
        dischargeProperties filterOverrides sortProperties fixupOptionType
        mkIf mkAssert mkDefinition mkMerge mkOverride mkOptionDefault
        mkDefault mkImageMediaOverride mkForce mkVMOverride mkFixStrictness
        mkOrder mkBefore mkAfter mkAliasDefinitions mkAliasAndWrapDefinitions
        fixMergeModules mkRemovedOptionModule mkRenamedOptionModule
        mkRenamedOptionModuleWith mkMergedOptionModule mkChangedOptionModule
        mkAliasOptionModule mkDerivedConfig doRename mkAliasOptionModuleMD;

      inherit (area.options)
        isOption mkEnableOption mkSinkUndeclaredOptions mergeDefaultOption
        mergeOneOption mergeEqualOption mergeUniqueOption getValues getFiles
        optionAttrSetToDocList optionAttrSetToDocList' scrubOptionValue
        literalExpression literalMD showOption showOptionWithDefLocs
        showFiles unknownModule mkOption mkPackageOption;

      inherit (area.types)
        isType setType defaultTypeMerge defaultFunctor isOptionType
        mkOptionType;

      # Constants nixpkgs offers for placeholder hashes.
      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      fakeSha256 = "0000000000000000000000000000000000000000000000000000000000000000";
      fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

      # Older names still found in configurations.
      imap = area.lists.imap1;
      ifEnable = condition: value: if condition then value else
        (if builtins.isList value then [ ] else if builtins.isAttrs value then { } else null);
    };
in
extensible build

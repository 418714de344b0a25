# Option types: what a definition must look like (`check`), how several
# definitions combine (`merge`), how types print (`name`, `description`) and
# how declarations of one option with related types combine (`typeMerge`).
#
# Behaviour follows nixpkgs' `lib.types`; the code is Strata's own.
{
  lib,
  # Internals of modules.nix (see its `internal`).
  internal ? { },
}:
let
  inherit (builtins)
    all
    concatLists
    concatStringsSep
    elem
    filter
    foldl'
    head
    isAttrs
    isBool
    isFloat
    isInt
    isList
    isString
    length
    mapAttrs
    tail
    typeOf
    zipAttrsWith
    ;
  inherit (lib.options)
    getFiles
    getValues
    mergeDefaultOption
    mergeEqualOption
    mergeOneOption
    mergeUniqueOption
    showFiles
    showOption
    ;
  inherit (lib.modules) mergeDefinitions;

  # The `value` of each attribute that has one (native in Strata).
  presentValues =
    builtins.strataPresentValues
      or (set: mapAttrs (_: v: v.value) (lib.filterAttrs (_: v: v ? value) set));

  isType = tag: v: isAttrs v && (v._type or null) == tag;
  setType = tag: v: v // { _type = tag; };
  isOptionType = isType "option-type";

  # The functor of a type without parameters: declarations of two such
  # types merge when their names agree.
  defaultFunctor = name: {
    inherit name;
    type = types.${name} or null;
    payload = null;
    binOp = _: _: null;
  };

  defaultTypeMerge =
    f: f':
    if f.name != f'.name then
      null
    else if f.payload == null && f'.payload == null then
      f.type
    else if f.payload != null && f'.payload != null then
      let
        merged = f.binOp f.payload f'.payload;
      in
      if merged == null then null else f.type merged
    else
      null;

  # The defaults of `typeMerge` and `functor` (nixpkgs: `typeMerge ?
  # defaultTypeMerge functor`, `functor ? defaultFunctor name`) are read
  # from `args` in the body: a default that names another argument points
  # back at the function's scope, which made every type a cycle for the
  # collector. (`null` only stands in the pattern, which keeps
  # `functionArgs mkOptionType` as nixpkgs has it.)
  mkOptionType =
    args@{
      name,
      description ? null,
      descriptionClass ? null,
      check ? (_: true),
      merge ? mergeDefaultOption,
      emptyValue ? { },
      getSubOptions ? _: { },
      getSubModules ? null,
      substSubModules ? _: null,
      typeMerge ? null,
      functor ? null,
      deprecationMessage ? null,
      nestedTypes ? { },
    }:
    let
      functor' = if args ? functor then args.functor else defaultFunctor name;
    in
    {
      _type = "option-type";
      inherit
        name
        check
        merge
        emptyValue
        getSubOptions
        getSubModules
        substSubModules
        deprecationMessage
        nestedTypes
        descriptionClass
        ;
      functor = functor';
      typeMerge = if args ? typeMerge then args.typeMerge else defaultTypeMerge functor';
      description = if description == null then name else description;
    };

  # The description of `t`, in parentheses unless `bare` accepts its class.
  optionDescriptionPhrase =
    bare: t:
    if bare (t.descriptionClass or null) then t.description else "(${t.description})";

  nounOr = classes: class: elem class classes;

  # A functor whose payload is `{ elemType }` and whose merge merges the
  # element types.
  elemFunctor = name: rebuild: elemType: {
    inherit name;
    payload = { inherit elemType; };
    type = payload: rebuild payload.elemType;
    binOp =
      a: b:
      let
        merged = a.elemType.typeMerge b.elemType.functor;
      in
      if merged == null then null else { elemType = merged; };
  };

  showBound = v: if isFloat v then builtins.toJSON v else toString v;
  betweenText = lo: hi: "${showBound lo} and ${showBound hi} (both inclusive)";

  # `listOf elemType`'s merge: each item of each definition merged as a
  # definition of its own, the items without a value left out.
  listMergeNix =
    elemType: loc: defs:
    map (x: x.value) (
      filter (x: x ? value) (
        concatLists (
          lib.imap1 (
            n: def:
            lib.imap1 (
              m: item:
              (mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [
                {
                  inherit (def) file;
                  value = item;
                }
              ]).optionalValue
            ) def.value
          ) defs
        )
      )
    );

  # The definitions whose value `check` rejects (natively in Strata:
  # `strataInvalidDefinitions`).
  invalidDefinitions = builtins.strataInvalidDefinitions or (check: filter (def: !check def.value));

  # A merge function that also reports type errors itself (nixpkgs' "v2"
  # merges): `v2 { loc, defs }` gives `{ headError, value }`, where
  # `headError` is null or `{ message }`.
  checkedMerge = check: merge: {
    __functor = _: merge;
    v2 = nativeCheckedMergeV2 check merge (checkedMergeV2 check merge);
  };

  # `checkedMerge`'s `v2` natively in Strata (`strataCheckedMergeV2`) when
  # every definition passes the check; the Nix version below gives every
  # error. (It prints as the lambda it stands for.)
  nativeCheckedMergeV2 = builtins.strataCheckedMergeV2 or (_: _: v2: v2);
  checkedMergeV2 =
    check: merge:
      { loc, defs }:
      let
        invalid = invalidDefinitions check defs;
      in
      if invalid != [ ] then
        {
          headError.message = "Definition values:${lib.options.showDefs invalid}";
          value = null;
        }
      else
        {
          headError = null;
          value = merge loc defs;
        };

  # `elemType` restricted by `check`.
  addCheck =
    elemType: check:
    let
      # Natively in Strata (`strataBothChecks`, which prints as a lambda).
      combined = (builtins.strataBothChecks or (first: second: x: first x && second x)) elemType.check check;
    in
    elemType
    // {
      check = combined;
    }
    // lib.optionalAttrs (isAttrs elemType.merge && elemType.merge ? v2) {
      merge = checkedMerge combined (elemType.merge.__functor elemType.merge);
    };

  intBetween =
    lo: hi:
    assert lo <= hi;
    addCheck types.int (x: x >= lo && x <= hi)
    // {
      name = "intBetween";
      description = "integer between ${betweenText lo hi}";
    };

  sizedInt =
    signed: bits:
    let
      half = builtins.foldl' (acc: _: acc * 2) 1 (lib.range 1 (bits - 1));
      lo = if signed then -half else 0;
      hi = if signed then half - 1 else half * 2 - 1;
    in
    intBetween lo hi
    // {
      name = "${if signed then "signed" else "unsigned"}Int${toString bits}";
      description = "${toString bits} bit ${if signed then "signed" else "unsigned"} integer; between ${betweenText lo hi}";
    };

  # Values of enums, as they are shown in descriptions.
  showEnumValue =
    v:
    if isString v then
      ''"${v}"''
    else if isInt v then
      toString v
    else if isBool v then
      lib.boolToString v
    else
      "<${typeOf v}>";

  storeDir = builtins.storeDir;

  # Whether `x` is a store path or lies inside one.
  isInStore =
    x:
    builtins.match "${lib.escapeRegex storeDir}/[0-9a-df-np-sv-z]{32}-[0-9a-zA-Z+._?=-]+(/.*)?" (toString x) != null;

  pathWith =
    {
      inStore ? null,
      absolute ? null,
    }:
    mkOptionType {
      name = "path";
      description =
        (
          if absolute == true then
            "absolute "
          else if absolute == false then
            "relative "
          else
            ""
        )
        + "path"
        + (
          if inStore == true then
            " in the Nix store"
          else if inStore == false then
            " not in the Nix store"
          else
            ""
        );
      descriptionClass = "noun";
      check =
        x:
        let
          text = toString x;
          absoluteOk =
            if absolute == null then
              true
            else
              (builtins.substring 0 1 text == "/") == absolute;
          storeOk = if inStore == null then true else isInStore x == inStore;
          kindOk = if inStore == false then isString x else lib.isStringLike x;
        in
        kindOk && absoluteOk && storeOk;
      merge = mergeEqualOption;
      functor = defaultFunctor "path" // {
        type = pathWith;
        payload = { inherit inStore absolute; };
        binOp = a: b: if a == b then a else null;
      };
    };

  # How `anything` combines definitions: attribute sets per attribute,
  # functions by merging their results, everything else must agree.
  mergeAnything =
    loc: defs:
    let
      kindOf = v: if isAttrs v && lib.isStringLike v then "stringCoercibleSet" else typeOf v;
      kind = foldl' (
        k: def:
        if kindOf def.value == k then
          k
        else
          throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}"
      ) (kindOf (head defs).value) defs;
    in
    if kind == "set" then
      (types.attrsOf types.anything).merge loc defs
    else if kind == "lambda" then
      arg:
      types.anything.merge (loc ++ [ "<function body>" ]) (
        map (def: {
          inherit (def) file;
          value = def.value arg;
        }) defs
      )
    else if kind == "list" then
      if all (def: def.value == (head defs).value) defs then
        (head defs).value
      else
        throw "The option `${showOption loc}' has conflicting definitions, in ${showFiles (getFiles defs)}."
    else
      mergeEqualOption loc defs;

  attrsWith =
    {
      elemType,
      lazy ? false,
      placeholder ? "name",
    }:
    let
      # Definitions per attribute name, each keeping its file (natively in
      # Strata: `builtins.strataGroupByName`).
      byName =
        defs:
        if builtins ? strataGroupByName then
          builtins.strataGroupByName "values" (def: mapAttrs (_: v: v) def.value) defs
        else
          zipAttrsWith (_: xs: xs) (
            map (
              def:
              mapAttrs (_: value: {
                inherit (def) file;
                inherit value;
              }) def.value
            ) defs
          );
    in
    mkOptionType {
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      description =
        (if lazy then "lazy attribute set" else "attribute set")
        + " of ${optionDescriptionPhrase (nounOr [ "noun" "composite" ]) elemType}";
      descriptionClass = "composite";
      check = isAttrs;
      merge = checkedMerge isAttrs (
        if lazy then
          loc: defs:
          mapAttrs (
            name: nameDefs:
            let
              merged = mergeDefinitions (loc ++ [ name ]) elemType nameDefs;
            in
            merged.optionalValue.value or elemType.emptyValue.value or merged.mergedValue
          ) (byName defs)
        else
          # Natively in Strata (`strataAttrsMerge`, which prints as a
          # lambda), the Nix version giving the error for a value that is
          # not a set.
          (builtins.strataAttrsMerge or (nix: _: _: nix)) (
            loc: defs:
            let
              merged = mapAttrs (name: nameDefs: (mergeDefinitions (loc ++ [ name ]) elemType nameDefs).optionalValue) (
                byName defs
              );
            in
            presentValues merged
          ) mergeDefinitions elemType
      );
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: attrsWith { inherit lazy placeholder; elemType = elemType.substSubModules m; };
      functor = defaultFunctor "attrsWith" // {
        type = attrsWith;
        payload = { inherit elemType lazy placeholder; };
        binOp =
          a: b:
          let
            merged = a.elemType.typeMerge b.elemType.functor;
          in
          if merged == null || a.lazy != b.lazy then
            null
          else
            {
              elemType = merged;
              inherit (a) lazy;
              placeholder =
                if a.placeholder == b.placeholder then
                  a.placeholder
                else if a.placeholder == "name" then
                  b.placeholder
                else if b.placeholder == "name" then
                  a.placeholder
                else
                  throw "A conflicting placeholder was found for the attrsWith type: `${a.placeholder}' and `${b.placeholder}'";
            };
      };
      nestedTypes.elemType = elemType;
    };

  submoduleWith =
    {
      modules,
      specialArgs ? { },
      shorthandOnlyDefinesConfig ? false,
      description ? null,
      class ? null,
    }@attrs:
    let
      # Definitions become modules; a plain set is either the module
      # itself or, in shorthand mode, its config.
      asModules = map (
        def:
        if shorthandOnlyDefinesConfig == true && isAttrs def.value then
          {
            _file = def.file;
            config = def.value;
          }
        else
          {
            _file = def.file;
            imports = [ def.value ];
          }
      );

      baseModules = [ { _module.args.name = lib.mkOptionDefault "‹name›"; } ] ++ modules;
      base = lib.modules.evalModules {
        inherit class specialArgs;
        modules = baseModules;
      };

      freeformType = base._module.freeformType;

      # Natively in Strata for sets (`strataSubmoduleCheck`, which prints
      # as a lambda).
      checkSubmodule =
        (builtins.strataSubmoduleCheck or (nix: x: isAttrs x || nix x)) (x: lib.isFunction x || types.path.check x);

      name = "submodule";
    in
    mkOptionType {
      inherit name;
      description = if description != null then description else freeformType.description or name;
      check = checkSubmodule;
      # Natively in Strata (`strataSubmoduleMerge`, which prints as a
      # lambda), the Nix version giving the errors of its own.
      merge = checkedMerge checkSubmodule (
        (builtins.strataSubmoduleMerge or (nix: _: _: _: _: _: _: _: nix))
          (
            loc: defs:
            # `base.extendModules { modules = ...; prefix = loc; }` without
            # evaluating `base` and its arguments first: the same evaluation.
            (lib.modules.evalModules {
              inherit class specialArgs;
              modules = baseModules ++ [ { _module.args.name = lib.last loc; } ] ++ asModules defs;
              prefix = loc;
            }).config
          )
          lib.modules.evalModules
          (internal.evalModules or null)
          (internal.direct or null)
          class
          specialArgs
          shorthandOnlyDefinesConfig
          baseModules
      );
      emptyValue = {
        value = { };
      };
      getSubOptions =
        prefix:
        (base.extendModules { inherit prefix; }).options
        // lib.optionalAttrs (freeformType != null) {
          _freeformOptions = freeformType.getSubOptions prefix;
        };
      getSubModules = modules;
      substSubModules = m: submoduleWith (attrs // { modules = m; });
      nestedTypes = lib.optionalAttrs (freeformType != null) { inherit freeformType; };
      functor = defaultFunctor name // {
        type = submoduleWith;
        payload = {
          inherit
            modules
            class
            specialArgs
            shorthandOnlyDefinesConfig
            description
            ;
        };
        binOp = a: b: {
          class =
            if a.class == null then
              b.class
            else if b.class == null then
              a.class
            else if a.class == b.class then
              a.class
            else
              throw "A submoduleWith option is declared multiple times with conflicting class values \"${toString a.class}\" and \"${toString b.class}\".";
          modules = a.modules ++ b.modules;
          specialArgs =
            let
              shared = builtins.intersectAttrs a.specialArgs b.specialArgs;
            in
            if shared == { } then
              a.specialArgs // b.specialArgs
            else
              throw "A submoduleWith option is declared multiple times with the same specialArgs \"${toString (builtins.attrNames shared)}\"";
          shorthandOnlyDefinesConfig =
            if a.shorthandOnlyDefinesConfig == null then
              b.shorthandOnlyDefinesConfig
            else if b.shorthandOnlyDefinesConfig == null then
              a.shorthandOnlyDefinesConfig
            else if a.shorthandOnlyDefinesConfig == b.shorthandOnlyDefinesConfig then
              a.shorthandOnlyDefinesConfig
            else
              throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
          description =
            if a.description == null then
              b.description
            else if b.description == null then
              a.description
            else if a.description == b.description then
              a.description
            else
              throw "A submoduleWith option is declared multiple times with conflicting descriptions";
        };
      };
    };

  deferredModuleWith =
    attrs@{
      staticModules ? [ ],
    }:
    mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = x: isAttrs x || lib.isFunction x || types.path.check x;
      merge = loc: defs: {
        imports =
          staticModules
          ++ map (def: lib.modules.setDefaultModuleLocation "${def.file}, via option ${showOption loc}" def.value) defs;
      };
      getSubOptions = (types.submoduleWith { modules = staticModules; }).getSubOptions;
      getSubModules = staticModules;
      substSubModules = m: deferredModuleWith (attrs // { staticModules = m; });
      functor = defaultFunctor "deferredModuleWith" // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = a: b: { staticModules = a.staticModules ++ b.staticModules; };
      };
    };

  either =
    t1: t2:
    mkOptionType {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${t1.description}, or ${optionDescriptionPhrase (nounOr [ "noun" "conjunction" "composite" ]) t2}"
        else
          "${optionDescriptionPhrase (nounOr [ "noun" "conjunction" ]) t1} or ${
            optionDescriptionPhrase (nounOr [ "noun" "conjunction" "composite" ]) t2
          }";
      descriptionClass = "conjunction";
      # Natively in Strata (`strataEitherCheck`, `strataEitherMergeV2`,
      # the Nix version giving every error); they print as lambdas.
      check = (builtins.strataEitherCheck or (t1: t2: x: t1.check x || t2.check x)) t1 t2;
      merge = {
        __functor =
          _: loc: defs:
          let
            values = getValues defs;
          in
          if all t1.check values then
            t1.merge loc defs
          else if all t2.check values then
            t2.merge loc defs
          else
            mergeOneOption loc defs;
        v2 = (builtins.strataEitherMergeV2 or (_: _: v2: v2)) t1 t2 (
          { loc, defs }:
          let
            values = getValues defs;
          in
          if all t1.check values then
            {
              headError = null;
              value = t1.merge loc defs;
            }
          else if all t2.check values then
            {
              headError = null;
              value = t2.merge loc defs;
            }
          else
            {
              headError.message = "The option `${showOption loc}` is neither a value of type `${t1.description}` nor `${t2.description}`, Definition values:${lib.options.showDefs defs}";
              value = null;
            }
        );
      };
      typeMerge =
        f':
        let
          left = t1.typeMerge (head f'.payload.elemType).functor;
          right = t2.typeMerge (lib.last f'.payload.elemType).functor;
        in
        if "either" == f'.name && left != null && right != null then either left right else null;
      functor = defaultFunctor "either" // {
        payload.elemType = [
          t1
          t2
        ];
      };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };

  separatedString =
    sep:
    mkOptionType {
      name = "separatedString";
      description =
        "strings concatenated with ${builtins.toJSON sep}";
      descriptionClass = "noun";
      check = isString;
      # Natively in Strata (`strataJoinValues`, which prints as a lambda).
      merge = (builtins.strataJoinValues or (nix: _: nix)) (loc: defs: concatStringsSep sep (getValues defs)) sep;
      functor = defaultFunctor "separatedString" // {
        payload = { inherit sep; };
        type = payload: types.separatedString payload.sep;
        binOp = a: b: if a.sep == b.sep then a else null;
      };
    };

  strMatching =
    pattern:
    mkOptionType {
      name = "strMatching ${lib.strings.escapeNixString pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: isString x && builtins.match pattern x != null;
      merge = mergeEqualOption;
      functor = defaultFunctor "strMatching" // {
        type = payload: strMatching payload.pattern;
        payload = { inherit pattern; };
        binOp = a: b: if a == b then a else null;
      };
    };

  types = {
    inherit
      isType
      setType
      isOptionType
      defaultFunctor
      defaultTypeMerge
      mkOptionType
      optionDescriptionPhrase
      addCheck
      attrsWith
      submoduleWith
      deferredModuleWith
      either
      separatedString
      strMatching
      pathWith
      ;

    mergeTypes =
      a: b:
      assert isOptionType a && isOptionType b;
      a.typeMerge b.functor;

    raw = mkOptionType {
      name = "raw";
      description = "raw value";
      descriptionClass = "noun";
      check = _: true;
      merge = mergeOneOption;
    };

    anything = mkOptionType {
      name = "anything";
      description = "anything";
      descriptionClass = "noun";
      check = _: true;
      merge = mergeAnything;
    };

    unspecified = mkOptionType {
      name = "unspecified";
      description = "unspecified value";
      descriptionClass = "noun";
    };

    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      descriptionClass = "noun";
      check = isBool;
      merge = mergeEqualOption;
    };

    boolByOr = mkOptionType {
      name = "boolByOr";
      description = "boolean (merged using or)";
      descriptionClass = "noun";
      check = isBool;
      merge = _: defs: builtins.any (def: def.value) defs;
    };

    int = mkOptionType {
      name = "int";
      description = "signed integer";
      descriptionClass = "noun";
      check = isInt;
      merge = mergeEqualOption;
    };

    ints = {
      between = intBetween;
      unsigned =
        addCheck types.int (x: x >= 0)
        // {
          name = "unsignedInt";
          description = "unsigned integer, meaning >=0";
          descriptionClass = "nonRestrictiveClause";
        };
      positive =
        addCheck types.int (x: x > 0)
        // {
          name = "positiveInt";
          description = "positive integer, meaning >0";
          descriptionClass = "nonRestrictiveClause";
        };
      u8 = sizedInt false 8;
      u16 = sizedInt false 16;
      u32 = sizedInt false 32;
      s8 = sizedInt true 8;
      s16 = sizedInt true 16;
      s32 = sizedInt true 32;
    };

    port = types.ints.u16;

    float = mkOptionType {
      name = "float";
      description = "floating point number";
      descriptionClass = "noun";
      check = isFloat;
      merge = mergeEqualOption;
    };

    number = either types.int types.float;

    numbers = {
      between =
        lo: hi:
        assert lo <= hi;
        addCheck types.number (x: x >= lo && x <= hi)
        // {
          name = "numberBetween";
          description = "integer or floating point number between ${betweenText lo hi}";
        };
      nonnegative =
        addCheck types.number (x: x >= 0)
        // {
          name = "numberNonnegative";
          description = "nonnegative integer or floating point number, meaning >=0";
          descriptionClass = "nonRestrictiveClause";
        };
      positive =
        addCheck types.number (x: x > 0)
        // {
          name = "numberPositive";
          description = "positive integer or floating point number, meaning >0";
          descriptionClass = "nonRestrictiveClause";
        };
    };

    str = mkOptionType {
      name = "str";
      description = "string";
      descriptionClass = "noun";
      check = isString;
      merge = mergeEqualOption;
    };

    nonEmptyStr = mkOptionType {
      name = "nonEmptyStr";
      description = "non-empty string";
      descriptionClass = "noun";
      check = x: isString x && builtins.match "[ \t\n]*" x == null;
      merge = mergeEqualOption;
    };

    singleLineStr = mkOptionType {
      name = "singleLineStr";
      description = "(optionally newline-terminated) single-line string";
      descriptionClass = "noun";
      check = x: isString x && builtins.match "[^\n\r]*\n?" x != null;
      merge = loc: defs: lib.removeSuffix "\n" (mergeEqualOption loc defs);
    };

    lines = separatedString "\n";
    commas = separatedString ",";
    envVar = separatedString ":";

    string =
      lib.warn "The type `types.string' is deprecated. See https://github.com/NixOS/nixpkgs/pull/66346 for better alternative types."
        (separatedString "" // { name = "string"; });

    passwdEntry =
      entryType:
      addCheck entryType (s: !(lib.hasInfix ":" s || lib.hasInfix "\n" s))
      // {
        name = "passwdEntry ${entryType.name}";
        description = "${optionDescriptionPhrase (nounOr [ "noun" ]) entryType}, not containing newlines or colons";
        descriptionClass = "nonRestrictiveClause";
      };

    attrs = mkOptionType {
      name = "attrs";
      description = "attribute set";
      check = isAttrs;
      merge = _: defs: foldl' (acc: def: acc // def.value) { } defs;
      emptyValue = {
        value = { };
      };
    };

    package = mkOptionType {
      name = "package";
      descriptionClass = "noun";
      check = x: lib.isDerivation x || lib.isStorePath x;
      merge =
        loc: defs:
        let
          v = mergeOneOption loc defs;
        in
        if builtins.isPath v || (isString v && !builtins.hasContext v) then lib.toDerivation v else v;
    };

    shellPackage = types.package // {
      check = x: lib.isDerivation x && x ? shellPath;
    };

    path = pathWith { absolute = true; };
    pathInStore = pathWith { inStore = true; };
    externalPath = pathWith {
      absolute = true;
      inStore = false;
    };

    listOf =
      elemType:
      mkOptionType {
        name = "listOf";
        description = "list of ${optionDescriptionPhrase (nounOr [ "noun" "composite" ]) elemType}";
        descriptionClass = "composite";
        check = isList;
        merge = checkedMerge isList (
          # Natively in Strata (`strataListMerge`).
          builtins.strataListMerge or (_: listMergeNix) mergeDefinitions elemType
        );
        emptyValue = {
          value = [ ];
        };
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.listOf (elemType.substSubModules m);
        functor = elemFunctor "listOf" types.listOf elemType;
        nestedTypes.elemType = elemType;
      };

    nonEmptyListOf =
      elemType:
      let
        list = addCheck (types.listOf elemType) (l: l != [ ]);
      in
      list
      // {
        description = "non-empty ${optionDescriptionPhrase (nounOr [ "noun" ]) list}";
        emptyValue = { };
        substSubModules = m: types.nonEmptyListOf (elemType.substSubModules m);
      };

    attrsOf = elemType: attrsWith { inherit elemType; };
    lazyAttrsOf =
      elemType:
      attrsWith {
        inherit elemType;
        lazy = true;
      };

    loaOf = types.attrsOf;

    uniq = types.unique { message = ""; };

    unique =
      { message }:
      elemType:
      mkOptionType {
        name = "unique";
        inherit (elemType) description descriptionClass check;
        merge =
          loc: defs:
          if length defs == 1 then elemType.merge loc defs else mergeUniqueOption { inherit message; } loc defs;
        emptyValue = elemType.emptyValue;
        getSubOptions = elemType.getSubOptions;
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.unique { inherit message; } (elemType.substSubModules m);
        functor = elemFunctor "unique" (types.unique { inherit message; }) elemType;
        nestedTypes.elemType = elemType;
      };

    nullOr =
      elemType:
      mkOptionType {
        name = "nullOr";
        description = "null or ${optionDescriptionPhrase (nounOr [ "noun" "conjunction" ]) elemType}";
        descriptionClass = "conjunction";
        # Natively in Strata (`strataNullOrCheck`, `strataNullOrMerge`, which
        # print as lambdas), the Nix version giving the error.
        check = (builtins.strataNullOrCheck or (elemType: x: x == null || elemType.check x)) elemType;
        merge = (builtins.strataNullOrMerge or (nix: _: nix)) (
          loc: defs:
          let
            nulls = length (filter (def: def.value == null) defs);
          in
          if nulls == length defs then
            null
          else if nulls != 0 then
            throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (getFiles defs)}."
          else
            elemType.merge loc defs
        ) elemType;
        emptyValue = {
          value = null;
        };
        getSubOptions = elemType.getSubOptions;
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.nullOr (elemType.substSubModules m);
        functor = elemFunctor "nullOr" types.nullOr elemType;
        nestedTypes.elemType = elemType;
      };

    functionTo =
      elemType:
      mkOptionType {
        name = "functionTo";
        description = "function that evaluates to a(n) ${optionDescriptionPhrase (nounOr [ "noun" "composite" ]) elemType}";
        descriptionClass = "composite";
        check = lib.isFunction;
        merge =
          loc: defs: arg:
          (mergeDefinitions (loc ++ [ "<function body>" ]) elemType (
            map (def: {
              inherit (def) file;
              value = def.value arg;
            }) defs
          )).mergedValue;
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.functionTo (elemType.substSubModules m);
        functor = elemFunctor "functionTo" types.functionTo elemType;
        nestedTypes.elemType = elemType;
      };

    submodule =
      modules:
      submoduleWith {
        shorthandOnlyDefinesConfig = true;
        modules = lib.toList modules;
      };

    deferredModule = deferredModuleWith { };

    optionType = mkOptionType {
      name = "optionType";
      description = "optionType";
      descriptionClass = "noun";
      check = isOptionType;
      merge =
        loc: defs:
        if length defs == 1 then
          (head defs).value
        else
          let
            located = map (
              def:
              let
                t = def.value;
              in
              if t.getSubModules or null != null then
                t.substSubModules (map (lib.modules.setDefaultModuleLocation def.file) t.getSubModules)
              else
                t
            ) defs;
          in
          (lib.modules.mergeOptionDecls loc (
            lib.zipListsWith (def: t: {
              _file = def.file;
              options = lib.mkOption { type = t; };
              pos = null;
            }) defs located
          )).type;
    };

    enum =
      values:
      mkOptionType {
        name = "enum";
        description =
          if values == [ ] then
            "impossible (empty enum)"
          else if length values == 1 then
            "value ${showEnumValue (head values)} (singular enum)"
          else
            "one of ${concatStringsSep ", " (map showEnumValue values)}";
        descriptionClass = if length values < 2 then "noun" else "conjunction";
        check = x: elem x values;
        merge = mergeEqualOption;
        functor = defaultFunctor "enum" // {
          payload = { inherit values; };
          type = payload: types.enum payload.values;
          binOp = a: b: { values = lib.unique (a.values ++ b.values); };
        };
      };

    oneOf =
      ts:
      if ts == [ ] then
        throw "types.oneOf needs to get at least one type in its argument"
      else
        foldl' either (head ts) (tail ts);

    coercedTo =
      coercedType: coerceFunc: finalType:
      assert lib.assertMsg (
        coercedType.getSubModules == null
      ) "coercedTo: coercedType must not have submodules (it’s a ${coercedType.description})";
      mkOptionType rec {
        name = "coercedTo";
        description = "${optionDescriptionPhrase (nounOr [ "noun" ]) finalType} or ${
          optionDescriptionPhrase (nounOr [ "noun" ]) coercedType
        } convertible to it";
        check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
        merge = checkedMerge check (
          loc: defs:
          finalType.merge loc (
            map (
              def:
              def
              // {
                value = if !finalType.check def.value && coercedType.check def.value then coerceFunc def.value else def.value;
              }
            ) defs
          )
        );
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: types.coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = _: null;
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    luaInline = mkOptionType {
      name = "luaInline";
      description = "inline lua";
      descriptionClass = "noun";
      check = isType "lua-inline";
      merge = mergeEqualOption;
    };

    # A set with exactly one attribute, whose name selects the option
    # declaration its value is checked and merged with.
    attrTag =
      tags:
      let
        choices = concatStringsSep ", " (builtins.attrNames tags);
      in
      mkOptionType {
        name = "attrTag";
        description = "attribute-tagged union with choices: ${choices}";
        descriptionClass = "noun";
        check = v: isAttrs v && length (builtins.attrNames v) == 1 && tags ? ${head (builtins.attrNames v)};
        merge =
          loc: defs:
          let
            tagOf = def: head (builtins.attrNames def.value);
            tag = tagOf (head defs);
          in
          if all (def: tagOf def == tag) defs then
            {
              ${tag} =
                (lib.modules.evalOptionValue (loc ++ [ tag ]) (
                  tags.${tag}
                  // {
                    declarations = tags.${tag}.declarations or [ ];
                  }
                ) (map (def: { inherit (def) file; value = def.value.${tag}; }) defs)).value;
            }
          else
            throw "The option `${showOption loc}' has conflicting definitions, in ${showFiles (getFiles defs)}.";
        functor = defaultFunctor "attrTag" // {
          type = { tags, ... }: types.attrTag tags;
          payload = { inherit tags; };
          binOp = _: _: null;
        };
        nestedTypes = tags;
      };
  };
in
types // { inherit types; }

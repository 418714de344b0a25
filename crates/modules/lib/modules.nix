# The module system: `evalModules` and the properties (`mkIf`, `mkMerge`,
# priorities, ordering) definitions may carry.
#
# Behaviour follows nixpkgs' `lib.modules` (results, order of definitions,
# messages); the code is Strata's own. The work happens in three steps:
#
#   1. collect: load every module reachable through `imports`, normalise
#      it to `{ _file, key, _class, disabledModules, imports, options, config }`,
#      drop disabled modules and duplicate keys;
#   2. merge: walk the option tree level by level, pairing declarations with
#      the definitions found at the same path (`walkLevel`);
#   3. evaluate each option from its definitions (`mergeDefinitions`).
{ lib }:
let
  inherit (builtins)
    all
    attrNames
    catAttrs
    concatLists
    concatMap
    elem
    filter
    foldl'
    functionArgs
    genericClosure
    head
    isAttrs
    isList
    isPath
    isString
    length
    mapAttrs
    tail
    typeOf
    zipAttrsWith
    ;
  inherit (lib.options)
    isOption
    mkOption
    showDefs
    showFiles
    showOption
    unknownModule
    ;

  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;

  # The names a module may use beside its definitions.
  moduleStructureKeys = [
    "_class"
    "_file"
    "key"
    "disabledModules"
    "imports"
    "options"
    "config"
    "meta"
    "freeformType"
  ];

  # ---------------------------------------------------------------------
  # Properties

  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };

  mkAssert =
    assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;

  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };

  mkDefinition = args@{ file, value }: args // { _type = "definition"; };

  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };

  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;

  mkFixStrictness = lib.warn "lib.mkFixStrictness has no effect and will be removed. It returns its argument unmodified, so you can just remove any calls." (
    x: x
  );

  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };

  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;

  # Moves `mkMerge`, `mkIf` and `mkOverride` wrapped around an attribute set
  # onto each of its attributes, so that the set's names are known without
  # evaluating any condition. Returns a list of attribute sets.
  pushDownPropertiesNix =
    cfg:
    let
      kind = cfg._type or "";
    in
    if kind == "merge" then
      concatMap pushDownPropertiesNix cfg.contents
    else if kind == "if" then
      map (mapAttrs (_: mkIf cfg.condition)) (pushDownPropertiesNix cfg.content)
    else if kind == "override" then
      map (mapAttrs (_: mkOverride cfg.priority)) (pushDownPropertiesNix cfg.content)
    else
      [ cfg ];

  # Strata evaluates these natively (crates/eval/src/builtins/modules.rs):
  # they run for every definition. On Nix, the Nix versions run.
  nativePushDownProperties = builtins.strataPushDownProperties or pushDownPropertiesNix;
  pushDownProperties = cfg: nativePushDownProperties cfg;

  # Removes `mkMerge` and `mkIf` from a definition, giving the list of the
  # values it contributes; overrides and orders are kept for later.
  dischargePropertiesNix =
    def:
    let
      kind = def._type or "";
    in
    if kind == "merge" then
      concatMap dischargePropertiesNix def.contents
    else if kind == "if" then
      if def.condition == true then
        dischargePropertiesNix def.content
      else if def.condition == false then
        [ ]
      else
        throw "‘mkIf’ called with a non-Boolean condition"
    else
      [ def ];

  nativeDischargeProperties = builtins.strataDischargeProperties or dischargePropertiesNix;
  dischargeProperties = def: nativeDischargeProperties def;

  priorityOf =
    def: if (def.value._type or "") == "override" then def.value.priority else defaultOverridePriority;

  # Keeps the definitions with the highest priority (the lowest number).
  filterOverrides' =
    defs:
    let
      highestPrio = foldl' (best: def: lib.min (priorityOf def) best) 9999 defs;
      unwrap = def: if (def.value._type or "") == "override" then def // { value = def.value.content; } else def;
    in
    {
      values = concatMap (def: if priorityOf def == highestPrio then [ (unwrap def) ] else [ ]) defs;
      inherit highestPrio;
    };

  filterOverrides = defs: (filterOverrides' defs).values;

  # Stable sort by `mkOrder` priority, removing the order wrappers.
  sortProperties =
    defs:
    let
      orderOf = def: if (def.value._type or "") == "order" then def.value.priority else defaultOrderPriority;
      anyOrdered = builtins.any (def: (def.value._type or "") == "order") defs;
      unwrap = def: if (def.value._type or "") == "order" then def // { value = def.value.content; } else def;
    in
    if anyOrdered then
      map (entry: entry.def) (
        builtins.sort (a: b: a.order < b.order) (
          map (def: {
            order = orderOf def;
            def = unwrap def;
          }) defs
        )
      )
    else
      defs;

  # ---------------------------------------------------------------------
  # Evaluating one option

  # The first steps of `mergeDefinitions`: `dischargeProperties` on every
  # definition (unwrapping `mkDefinition`), then `filterOverrides'` and
  # `sortProperties`. Returns `{ highestPrio; values; }`.
  mergeDefinitionsCoreNix =
    defs:
    let
      discharged = concatMap (
        def:
        map (
          value:
          if (value._type or "") == "definition" then
            { inherit (value) file value; }
          else
            {
              inherit (def) file;
              inherit value;
            }
        ) (builtins.addErrorContext "while evaluating definitions from `${def.file}':" (dischargePropertiesNix def.value))
      ) defs;
      filtered = filterOverrides' discharged;
      defsFinal = sortProperties filtered.values;
    in
    {
      inherit (filtered) highestPrio;
      values = defsFinal;
    };

  nativeMergeDefinitionsCore = builtins.strataMergeDefinitionsCore or mergeDefinitionsCoreNix;

  notOfTypeMessage = loc: type: "A definition for option `${showOption loc}' is not of type `${type.description}'.";

  # Merges the definitions `defs` (each `{ file, value }`) of the option at
  # `loc` with `type`. (Messages only errors need are not bound in the
  # `let`: an unevaluated binding would keep the scope in a reference cycle.)
  mergeDefinitionsNix =
    loc: type: defs:
    let
      filtered = nativeMergeDefinitionsCore defs;
      defsFinal = filtered.values;
      isDefined = defsFinal != [ ];
      # Types whose merge has a `v2` entry report their own type errors
      # (prefixed with "TypeError:"); the others are checked here.
      hasV2 = isAttrs type.merge && type.merge ? v2;
      mergedValue =
        if isDefined then
          if hasV2 then
            let
              result = type.merge.v2 {
                inherit loc;
                defs = defsFinal;
              };
            in
            if result.headError != null then
              throw "${notOfTypeMessage loc type} TypeError: ${result.headError.message}"
            else
              result.value
          else if all (def: type.check def.value) defsFinal then
            type.merge loc defsFinal
          else
            let
              invalid = filter (def: !type.check def.value) defsFinal;
            in
            throw "${notOfTypeMessage loc type} Definition values:${showDefsAt loc (withParents defs invalid)}"
        else
          throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";
    in
    {
      defsFinal' = {
        values = defsFinal;
        inherit (filtered) highestPrio;
      };
      inherit defsFinal isDefined mergedValue;
      optionalValue = if isDefined then { value = mergedValue; } else { };
    };

  # Strata merges natively (`strataMergeDefinitions` in
  # crates/eval/src/builtins/modules.rs), calling the Nix version above for
  # every error, whose messages it gives.
  # (It prints as the lambda it stands for.)
  mergeDefinitions = (builtins.strataMergeDefinitions or (_: mergeDefinitionsNix)) mergeDefinitionsNix;

  # An option declaration with its value, given its merged declaration
  # `opt` and its definitions.
  evalOptionValue =
    loc: opt: defs:
    let
      allDefs =
        (
          if opt ? default then
            [
              {
                file = head opt.declarations;
                value = mkOptionDefault opt.default;
              }
            ]
          else
            [ ]
        )
        ++ defs;
      merged =
        if (opt.readOnly or false) && length allDefs > 1 then
          let
            separate = map (def: def // { value = (mergeDefinitions loc opt.type [ def ]).mergedValue; }) allDefs;
          in
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${showDefsAt loc separate}"
        else
          mergeDefinitions loc opt.type allDefs;
      value = if opt ? apply then opt.apply merged.mergedValue else merged.mergedValue;
      provenance = definitionProvenance loc defs;
      deprecated = opt.type.deprecationMessage or null;
      warnDeprecated =
        if deprecated != null then
          lib.warn "The type `types.${opt.type.name}' of option `${showOption loc}' defined in ${showFiles opt.declarations} is deprecated. ${deprecated}"
        else
          (x: x);
    in
    warnDeprecated opt
    // {
      value = builtins.addErrorContext "while evaluating the option `${showOption loc}':" value;
      inherit (merged.defsFinal') highestPrio;
      definitions = map (def: def.value) merged.defsFinal;
      files = map (def: def.file) merged.defsFinal;
      definitionsWithLocations = merged.defsFinal;
      inherit (merged) isDefined;
      __toString = _: showOption loc;
      # Strata extensions, not in nixpkgs (see `definitionProvenance`).
      definitionsWithPositions = provenance.enabled;
      disabledDefinitions = provenance.disabled;
      usedDefault = opt ? default && merged.defsFinal'.highestPrio == 1500;
    };

  # Strata extension: `showDefs` with the line and column of each definition
  # where they are known (`FILE:LINE:COLUMN` in place of `FILE`), found as
  # `definitionProvenance` finds them.
  # The definitions `merged` (made by `mergeDefinitions` from `defs`, which
  # drops `parent`) with the `parent` of the first of `defs` from the same
  # file, for `showDefsAt`.
  withParents =
    defs: merged:
    map (
      def:
      let
        source = lib.findFirst (d: d.file == def.file && d ? parent) null defs;
      in
      if source == null then def else def // { inherit (source) parent; }
    ) merged;

  showDefsAt =
    loc: defs:
    showDefs (
      map (
        def:
        let
          pos = if def ? parent && loc != [ ] then builtins.unsafeGetAttrPos (lib.last loc) def.parent else null;
        in
        if pos == null || pos.file != def.file then
          def
        else
          def // { file = "${def.file}:${toString pos.line}:${toString pos.column}"; }
      ) defs
    );

  # Strata extension: where the definitions `defs` of the option at `loc`
  # were written, for `strata show --explain` and the Rust API in
  # `crates/modules/src/provenance.rs`. Definitions made by `walkLevel` carry
  # `parent`, the attribute set that defines the option's last path
  # component, whose position `unsafeGetAttrPos` gives. Returns
  #
  #   enabled:  [ { file, line, column, module, priority, value } ]
  #   disabled: [ { file, line, column, module, condition = false } ]
  #
  # in definition order, the option's default not included. `enabled` holds
  # every definition a false `mkIf` did not remove, overridden ones too;
  # `disabled` holds the ones it removed, whose values are never evaluated.
  # `file`, `line` and `column` are where the text is (`file` is the
  # module's when no position is known); `module` is the module's `_file`.
  # Nothing here is evaluated unless these attributes are used.
  definitionProvenance =
    loc: defs:
    let
      locate =
        def: file:
        let
          pos =
            if def ? parent && file == def.file then builtins.unsafeGetAttrPos (lib.last loc) def.parent else null;
        in
        if pos == null then
          {
            inherit file;
            line = null;
            column = null;
            module = file;
          }
        else
          {
            inherit (pos) file line column;
            module = file;
          };
      # `dischargeProperties`, keeping what a false `mkIf` switched off.
      split =
        value:
        let
          kind = value._type or "";
        in
        if kind == "merge" then
          concatMap split value.contents
        else if kind == "if" then
          if value.condition == true then
            split value.content
          else if value.condition == false then
            [ { enabled = false; } ]
          else
            throw "‘mkIf’ called with a non-Boolean condition"
        else
          [
            {
              enabled = true;
              inherit value;
            }
          ];
      parts = concatMap (def: map (part: part // { inherit def; }) (split def.value)) defs;
      # As `mergeDefinitions`, `filterOverrides'` and `sortProperties` see it.
      describeEnabled =
        part:
        let
          isDefinition = (part.value._type or "") == "definition";
          file = if isDefinition then part.value.file else part.def.file;
          value = if isDefinition then part.value.value else part.value;
          isOverride = (value._type or "") == "override";
          content = if isOverride then value.content else value;
        in
        locate part.def file
        // {
          priority = if isOverride then value.priority else defaultOverridePriority;
          value = if (content._type or "") == "order" then content.content else content;
        };
    in
    {
      enabled = map describeEnabled (filter (part: part.enabled) parts);
      disabled = map (part: locate part.def part.def.file // { condition = false; }) (
        filter (part: !part.enabled) parts
      );
    };

  # ---------------------------------------------------------------------
  # Declarations

  declarationPosition =
    name: decl:
    let
      pos = builtins.unsafeGetAttrPos name decl.parent;
    in
    if pos == null then
      {
        file = decl._file;
        line = null;
        column = null;
      }
    else
      pos;

  # Combines the declarations (`{ _file, options, pos }`, `options` being an
  # option) of one option from several modules.
  mergeOptionDecls =
    loc: decls:
    # Almost every option has one declaration: what the fold below gives
    # for one, without the fold.
    if length decls == 1 then
      let
        decl = head decls;
        subModules = decl.options.type.getSubModules or null;
      in
      decl.options
      // {
        inherit loc;
        declarations = [ decl._file ];
        declarationPositions = [ decl.pos ];
        options = if subModules != null then map (setDefaultModuleLocation decl._file) subModules else [ ];
      }
    else
    foldl' (
      acc: decl:
      let
        this = decl.options;
        # Tests written out rather than through a helper: this runs for
        # every declaration of every option.
        bothTyped = this ? type && acc ? type;
        mergedType = if bothTyped then acc.type.typeMerge this.type.functor else null;
        typesClash = bothTyped && mergedType == null;
        subModules = this.type.getSubModules or null;
      in
      if
        (this ? default && acc ? default)
        || (this ? example && acc ? example)
        || (this ? description && acc ? description)
        || (this ? apply && acc ? apply)
        || typesClash
      then
        throw "The option `${showOption loc}' in `${decl._file}' is already declared in ${showFiles acc.declarations}."
      else
        this
        // acc
        // {
          declarations = acc.declarations ++ [ decl._file ];
          declarationPositions = acc.declarationPositions ++ [ decl.pos ];
          options =
            if subModules != null then
              map (setDefaultModuleLocation decl._file) subModules ++ acc.options
            else
              acc.options;
        }
        // lib.optionalAttrs (mergedType != null) { type = mergedType; }
    ) {
      inherit loc;
      declarations = [ ];
      declarationPositions = [ ];
      options = [ ];
    } decls;

  # Gives a merged declaration its final type: submodule-like types get the
  # modules of every declaration.
  fixupOptionType =
    loc: opt:
    let
      type = opt.type or lib.types.unspecified;
    in
    opt
    // {
      type = if (type.getSubModules or null) != null then type.substSubModules opt.options else type;
    };

  throwDeclarationTypeError =
    loc: tag: file:
    let
      name = lib.last loc;
      hint =
        if tag == "option-type" then
          "\n\nWhen declaring an option, you must wrap the type in a `mkOption` call. It should look somewhat like:\n\n    ${name} = lib.mkOption {\n      description = ...;\n      type = <the type you wrote for ${name}>;\n      ...\n    };\n"
        else
          "";
    in
    throw "In module ${file}: expected an option declaration at option path `${showOption loc}` but got an attribute set with type ${tag}${hint}";

  # A non-option declaration tree, turned into an option whose submodule
  # declares those options (used when it meets a submodule option).
  treeToOption =
    decl:
    if isOption decl.options then
      decl
    else
      decl
      // {
        options = mkOption {
          type = lib.types.submoduleWith {
            modules = [ { options = decl.options; } ];
            shorthandOnlyDefinesConfig = null;
          };
        };
      };

  # ---------------------------------------------------------------------
  # The option tree

  # `walkLevel`'s grouping of declarations or definitions by attribute name
  # (see `strataGroupByName` in crates/eval/src/builtins/modules.rs).
  groupByNameNix =
    kind: onError: items:
    let
      field = if kind == "declarations" then "options" else "value";
      fileField = if kind == "declarations" then "_file" else "file";
    in
    zipAttrsWith (_: concatLists) (
      map (
        item:
        let
          parent = item.${field};
        in
        if isAttrs parent then
          mapAttrs (_: value: [
            {
              ${fileField} = item.${fileField};
              ${field} = value;
              inherit parent;
            }
          ]) parent
        else
          onError item
      ) items
    );

  nativeGroupByName = builtins.strataGroupByName or groupByNameNix;

  splitLevelNix = entries: {
    options = mapAttrs (_: e: if e.isLeaf then e.option else e.sub.options) entries;
    config = mapAttrs (_: e: if e.isLeaf then e.option.value else e.sub.config) entries;
  };

  nativeSplitLevel = builtins.strataSplitLevel or splitLevelNix;

  nativeWithPositions =
    builtins.strataWithPositions or (name: map (d: d // { pos = declarationPosition name d; }));

  nativeOptionDeclarations =
    builtins.strataOptionDeclarations
      or (onError: filter (d: d.options ? _type && (d.options._type == "option" || onError d)));

  # An option from its declarations and definitions; natively in Strata
  # (`strataEvalOption`), which calls the Nix functions of `nativeHelpers`
  # for several declarations, deprecated types and errors.
  evalOption =
    (builtins.strataEvalOption or (
      _: loc: decls: defs:
      evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc decls)) defs
    ))
      nativeHelpers;

  # What Strata's native option tree (`strataWalkLevel`, `strataEvalOption`
  # in crates/eval/src/builtins/modules.rs) leaves to Nix: the rare cases
  # and every error message.
  nativeHelpers = {
    inherit
      mergeOptionDecls
      evalOptionValue
      showOption
      walkEntry
      declarationsError
      definitionsError
      ;
    unmatched = builtins.strataUnmatched or unmatched;
    mergeDefinitions = mergeDefinitionsNix;
    provenance = definitionProvenance;
    unspecified = lib.types.unspecified;
    optionToString = loc: _: showOption loc;
    declarationTypeError = loc: d: throwDeclarationTypeError loc d.options._type d._file;
  };

  declarationsError =
    loc: decl:
    throw "An option declaration for `${showOption loc}' has type\n`${typeOf decl.options}' rather than an attribute set.\nDid you mean to define this outside of `options'?";

  definitionsError =
    loc: def:
    throw "In module `${def.file}', you're trying to define a value of type `${typeOf def.value}'\nrather than an attribute set for the option\n`${lib.concatStringsSep "." loc}'!\n\nThis usually happens if `${lib.concatStringsSep "." loc}' has option\ndefinitions inside that are not matched. Please check how to properly define\nthis option by e.g. referring to `man 5 configuration.nix'!\n";

  # The definitions of a level no option matched, `{ file, prefix, value,
  # pos }` (`prefix` relative to the level), given its entries and its
  # definitions and declarations grouped by name.
  unmatched =
    loc: entries: defsByName: declsByName:
    let
      undeclared = removeAttrs defsByName (attrNames declsByName);
    in
    concatLists (catAttrs "unmatched" (builtins.attrValues entries))
    ++ concatMap (
      name:
      map (def: {
        inherit (def) file value;
        prefix = [ name ];
        # Strata: where the undefined option is set, for the error message.
        pos = builtins.unsafeGetAttrPos name def.parent;
      }) undeclared.${name}
    ) (attrNames undeclared);

  # One name of a level of the option tree (see `walkLevel`). A function of
  # its own, and without functions in its `let`, so that nothing in the
  # `let` refers back to it: the scope is freed by reference counting
  # rather than left to the cycle collector, once per option.
  walkEntry =
    {
      loc,
      defsByName,
      name,
      nameDecls,
    }:
    let
      subLoc = loc ++ [ name ];
      nameDefs = defsByName.${name} or [ ];
      withPos = nativeWithPositions name nameDecls;
      optionDecls = nativeOptionDeclarations (
        d: throwDeclarationTypeError subLoc d.options._type d._file
      ) nameDecls;
    in
    if length optionDecls == length nameDecls then
      {
        isLeaf = true;
        option = evalOption subLoc withPos nameDefs;
        unmatched = [ ];
      }
    else if optionDecls != [ ] then
      if all (d: (d.options.type.name or null) == "submodule") optionDecls then
        {
          isLeaf = true;
          option = evalOption subLoc (map treeToOption withPos) nameDefs;
          unmatched = [ ];
        }
      else
        let
          first = head optionDecls;
          others = filter (d: !isOption d.options) nameDecls;
          listed = lib.concatMapStringsSep "\n" (
            d:
            " - option(s) with prefix `${showOption (subLoc ++ [ (head (attrNames d.options)) ])}' in module `${d._file}'"
          ) others;
        in
        throw "The option `${showOption subLoc}' in module `${first._file}' would be a parent of the following options, but its type `${
          first.options.type.description or "<no description>"
        }' does not support nested options.\n${listed}"
    else
      let
        sub = walkLevel subLoc (map (d: {
          inherit (d) _file;
          options = d.options;
        }) nameDecls) (concatMap (def: map (value: { inherit (def) file; inherit value; }) (nativePushDownProperties def.value)) nameDefs);
      in
      {
        isLeaf = false;
        inherit sub;
        unmatched = map (u: u // { prefix = [ name ] ++ u.prefix; }) sub.unmatched;
      };

  # One level of the tree at `loc`. `decls` are `{ _file, options }` (an
  # attribute set of declarations each), `defs` are `{ file, value }` (an
  # attribute set of definitions each, properties already pushed down).
  # Returns the options, the config and the definitions no option matched
  # (`{ file, prefix, value }`, `prefix` relative to `loc`).
  walkLevelNix =
    loc: decls: defs:
    let
      declsByName = nativeGroupByName "declarations" (declarationsError loc) decls;
      defsByName = nativeGroupByName "definitions" (definitionsError loc) defs;
      entries = mapAttrs (
        name: nameDecls:
        walkEntry {
          inherit
            loc
            defsByName
            name
            nameDecls
            ;
        }
      ) declsByName;
      split = nativeSplitLevel entries;
    in
    {
      inherit (split) options config;
      unmatched = unmatched loc entries defsByName declsByName;
    };

  # Natively in Strata (`strataWalkLevel`).
  walkLevel = (builtins.strataWalkLevel or (_: walkLevelNix)) nativeHelpers;

  # nixpkgs-compatible entry points over `walkLevel`.
  mergeModules =
    prefix: modules:
    mergeModules' prefix modules (
      concatMap (
        m:
        map (config: {
          file = m._file;
          inherit config;
        }) (nativePushDownProperties m.config)
      ) modules
    );

  mergeModules' =
    prefix: modules: configs:
    let
      walked = walkLevel prefix (map (m: {
        inherit (m) _file options;
      }) modules) (map (c: {
        inherit (c) file;
        value = c.config;
      }) configs);
    in
    {
      matchedOptions = walked.options;
      unmatchedDefns = walked.unmatched;
    };

  # ---------------------------------------------------------------------
  # Collecting modules

  setDefaultModuleLocation = file: m: {
    _file = file;
    imports = [ m ];
  };

  # Calls a module function with the arguments it names: `args` (the
  # standard ones and specialArgs) first, `_module.args` otherwise.
  applyModuleArgs =
    key: f: args@{ config, ... }:
    let
      requested = mapAttrs (
        name: _:
        builtins.addErrorContext "while evaluating the module argument `${name}' in \"${key}\":" (
          args.${name} or config._module.args.${name}
        )
      ) (lib.functionArgs f);
    in
    f (args // requested);

  applyModuleArgsIfFunction =
    key: f: args:
    if lib.isFunction f then applyModuleArgs key f args else f;

  # Normalises a loaded module to its explicit form.
  unifyModuleSyntax =
    file: key: m:
    if !isAttrs m then
      throw "Module `${file}' is of type ${typeOf m} while an attribute set was expected."
    else
      let
        explicit = m ? config || m ? options;
        extra = removeAttrs m moduleStructureKeys;
        # `meta` and `freeformType` join the configuration (rarely set, so
        # tested without helper functions: this runs for every module).
        plain = if explicit then m.config or { } else extra;
        withMeta =
          if m ? meta then
            mkMerge [
              plain
              { meta = m.meta; }
            ]
          else
            plain;
        config =
          if m ? freeformType then
            mkMerge [
              withMeta
              { _module.freeformType = m.freeformType; }
            ]
          else
            withMeta;
      in
      if explicit && extra != { } then
        throw "Module `${key}' has an unsupported attribute `${head (attrNames extra)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (attrNames extra)}) into the explicit `config' attribute."
      else
        {
          _file = toString m._file or file;
          _class = m._class or null;
          key = toString m.key or key;
          disabledModules = m.disabledModules or [ ];
          imports = m.imports or [ ];
          options = if explicit then m.options or { } else { };
          inherit config;
        };

  loadModuleNix =
    class: args: fallbackFile: fallbackKey: m:
    let
      normal =
        if isAttrs m && !(m ? __functor) then
          if elem (m._type or "module") [
            "module"
            "if"
            "merge"
            "override"
          ] then
            unifyModuleSyntax fallbackFile fallbackKey m
          else
            throw "Expected a module, but found a value of type ${lib.strings.escapeNixString m._type}.\nA module is typically loaded by adding it to the imports = [ ... ]; attribute of an existing module, or in the modules = [ ... ]; argument of various functions.\nPlease make sure that each of the list items is a module, and not a different kind of value."
        else if lib.isFunction m then
          unifyModuleSyntax fallbackFile fallbackKey (applyModuleArgs fallbackKey m args)
        else if isList m then
          throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions:${
            showDefs [
              {
                file = fallbackFile;
                value = m;
              }
            ]
          }"
        else
          let
            file = toString m;
          in
          unifyModuleSyntax file file (applyModuleArgsIfFunction file (import m) args);
    in
    if class != null && normal._class != null && normal._class != class then
      throw "The module `${normal._file}` (class: ${lib.strings.escapeNixString normal._class}) cannot be imported into a module evaluation that expects class ${lib.strings.escapeNixString class}.\n\nHelp:\n- Ensure that you are importing the correct module.\n- Verify that the module's `_class`, ${lib.strings.escapeNixString normal._class} matches the expected `class` ${lib.strings.escapeNixString class}.\n- If you are using a custom class, make sure it is correctly defined and used consistently across your modules."
    else
      normal;

  # Natively in Strata (`strataLoadModule`), which leaves every other kind
  # of module and every error to the Nix version.
  loadModule = (builtins.strataLoadModule or (_: loadModuleNix)) loadModuleNix;

  # The key a `disabledModules` entry refers to.
  disabledKey =
    modulesPath: file: m:
    if isString m && builtins.substring 0 1 m != "/" then
      toString modulesPath + "/" + m
    else if isAttrs m && m ? key then
      toString m.key
    else if !lib.isFunction m then
      toString m
    else
      throw "Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items in `${toString file}' is none of that, but is of type ${typeOf m}.";

  # All modules reachable from `modules`, breadth first, without disabled
  # modules and without repeated keys; also the import graph.
  collectModulesNix =
    class: modulesPath: modules: args:
    let
      # Every node keeps its loaded module and its children, computed once.
      node =
        parentFile: parentKey: index: m:
        let
          module = loadModule class args parentFile "${parentKey}:anon-${toString index}" m;
        in
        {
          inherit (module) key;
          inherit module;
          children = lib.imap1 (node module._file module.key) module.imports;
        };

      roots = lib.imap1 (node unknownModule "") modules;

      # Disabled keys are gathered over the whole tree, disabled or not.
      allNodes = genericClosure {
        startSet = map wrapNode roots;
        operator = w: map wrapNode w.node.children;
      };
      # genericClosure deduplicates by key; the wrapper keys by identity of
      # the module key, which is what nixpkgs de-duplicates on as well.
      wrapNode = n: {
        key = n.key;
        node = n;
      };
      disabledKeys = concatMap (
        w: map (disabledKey modulesPath w.node.module._file) w.node.module.disabledModules
      ) allNodes;
      isDisabled = n: elem n.key disabledKeys;

      kept = genericClosure {
        startSet = map wrapNode (filter (n: !isDisabled n) roots);
        operator = w: map wrapNode (filter (n: !isDisabled n) w.node.children);
      };

    in
    {
      modules = map (w: w.node.module) (if disabledKeys == [ ] then allNodes else kept);
      graph = moduleGraph disabledKeys roots;
    };

  # The import graph of `collectModules`, from the import tree's root nodes
  # (`{ key, module, children }`), the last of which, the internal module,
  # is not the user's. A function of its own, so that an evaluation that
  # never reads its graph (most, every submodule's) makes none of this.
  moduleGraph =
    disabledKeys: roots:
    let
      isDisabled = n: elem n.key disabledKeys;
      graphOf = n: {
        key = n.key;
        file = n.module._file;
        disabled = isDisabled n;
        imports = map graphOf n.children;
      };
    in
    map graphOf (lib.init roots);

  # `collectModulesNix` walked natively in Strata (`strataCollectModules`),
  # without making the nodes; `graph` is made from the lazy nodes of
  # `strataModuleNodes`.
  collectModules = collectModulesFrom null;

  # `collectModules`, module functions' arguments that `args` lacks read
  # natively from the definitions in `source` (the evaluation's
  # `levelInputs`) where that gives the value of `config._module.args`,
  # without evaluating that option (`null`: always through the option).
  collectModulesFrom =
    source:
    if builtins ? strataCollectModules then
      class: modulesPath: modules: args:
      let
        collected =
          builtins.strataCollectModules loadModule disabledKey modulesPath class args source unknownModule
            modules;
      in
      {
        inherit (collected) modules;
        # The nodes again, made when the graph is read (which loads the
        # modules a second time).
        graph = moduleGraph collected.disabledKeys (
          builtins.strataModuleNodes loadModule class args unknownModule "" modules
        );
      }
    else
      collectModulesNix;

  # The declarations and definitions of the top level of an evaluation
  # (natively in Strata: `strataLevelInputs`).
  levelInputs =
    builtins.strataLevelInputs or (modules: {
      decls = map (m: { inherit (m) _file options; }) modules;
      defs = concatMap (
        m:
        map (value: {
          file = m._file;
          inherit value;
        }) (nativePushDownProperties m.config)
      ) modules;
    });

  # Whether `_module.check` and `_module.freeformType` keep their defaults
  # because only the internal module declares anything under `_module` and
  # no definition sets them (`{ check; freeformType; }`), from the top
  # level's `levelInputs`. A `_module` definition that is not a plain set
  # (`mkIf`, `mkMerge`, ...) counts as setting both.
  internalDefaultsNix =
    inputs:
    let
      declaring = filter (d: isAttrs d.options && d.options ? _module) inputs.decls;
      only = length declaring == 1;
      setting =
        name:
        lib.any (
          d:
          !isAttrs d.value
          || d.value ? _module
            && (!isAttrs d.value._module || d.value._module ? _type || d.value._module ? ${name})
        ) inputs.defs;
    in
    {
      check = only && !setting "check";
      freeformType = only && !setting "freeformType";
    };

  internalDefaults = builtins.strataInternalDefaults or internalDefaultsNix;

  # ---------------------------------------------------------------------
  # evalModules

  # "Did you mean" for an undeclared definition at `path` (relative to the
  # evaluation's options): the three closest sibling options.
  suggestionsFor =
    prefix: options: path:
    let
      parentPath = lib.init path;
      wanted = lib.last path;
      siblings = lib.attrByPath parentPath { } options;
      names = if isAttrs siblings && !isOption siblings then filter (n: n != "_module") (attrNames siblings) else [ ];
      ranked = builtins.sort (a: b: if a.d == b.d then a.n < b.n else a.d < b.d) (
        map (n: {
          n = n;
          d = lib.strings.levenshtein wanted n;
        }) names
      );
      shown = map (x: "`${showOption (parentPathFull ++ [ x.n ])}'") (lib.take 3 ranked);
      parentPathFull = prefix ++ parentPath;
    in
    if shown == [ ] then
      ""
    else
      "\n\nDid you mean ${
        if length shown == 1 then
          head shown
        else
          lib.concatStringsSep ", " (lib.init shown) + " or " + lib.last shown
      }?";

  # The internal module's declarations, for a top-level evaluation and for
  # a nested one (whose `_module.args` is internal), made once and shared.
  internalDeclarations =
    let
      declarations = internal: {
        _module.args = internalOptions.args // { inherit internal; };
        _module.check = internalOptions.check;
        _module.freeformType = internalOptions.freeformType;
        _module.specialArgs = internalOptions.specialArgs;
      };
    in
    {
      top = declarations false;
      nested = declarations true;
    };

  # The declarations of the internal module of every evaluation, made once
  # and shared: submodules run an evaluation per attribute, and building
  # these options and their types each time was a tenth of the calls of a
  # fleet of machines.
  internalOptions = {
    args = mkOption {
      type = lib.types.lazyAttrsOf lib.types.raw;
      description = ''
        Arguments given to every module function besides `lib`,
        `config`, `options`, `specialArgs` and the attributes of
        `specialArgs`. Submodules have their own `_module.args`; only
        `name` is passed down to them by the option that holds them.
      '';
    };
    check = mkOption {
      type = lib.types.bool;
      internal = true;
      default = true;
      description = "Whether every definition must have a matching option declaration.";
    };
    freeformType = mkOption {
      type = lib.types.nullOr lib.types.optionType;
      internal = true;
      default = null;
      description = ''
        The type that definitions without a declared option are
        merged with; their result becomes part of `config`. When
        `null`, such definitions are errors unless
        {option}`_module.check` is off.
      '';
    };
    specialArgs = mkOption {
      readOnly = true;
      internal = true;
      description = ''
        The arguments given to `evalModules` as `specialArgs`; they are
        fixed for the evaluation and usable in `imports`.
      '';
    };
  };

  # The parts of an evaluation that are functions of its arguments only:
  # `extendModules`, `type`, and the internal module (written here, in Nix,
  # its definitions have positions).
  evalParts =
    evalArgs: regularModules:
    let
      extendModules =
        extendArgs@{
          modules ? [ ],
          specialArgs ? { },
          prefix ? [ ],
        }:
        evalModules (
          evalArgs
          // {
            modules = regularModules ++ modules;
            specialArgs = evalArgs.specialArgs or { } // specialArgs;
            prefix = extendArgs.prefix or evalArgs.prefix or [ ];
          }
        );
      type = lib.types.submoduleWith {
        inherit (evalArgs) modules;
        specialArgs = evalArgs.specialArgs or { };
        class = evalArgs.class or null;
      };
    in
    {
      inherit extendModules type;
      internalModule = {
        _file = "lib/modules.nix";
        key = "lib/modules.nix";
        options =
          if evalArgs.prefix or [ ] != [ ] then internalDeclarations.nested else internalDeclarations.top;
        config._module = {
          args = {
            inherit extendModules;
            moduleType = type;
          };
          specialArgs = evalArgs.specialArgs or { };
        };
      };
    };

  # The context `config` is evaluated in for module functions.
  configContext = "if you get an infinite recursion here, you probably reference `config` in `imports`. If you are trying to achieve a conditional import behavior dependent on `config`, consider importing unconditionally, and using `mkEnableOption` and `mkIf` to control its effect.";

  # `config` with the definitions no option matched merged by the
  # evaluation's `_module.freeformType`.
  freeformConfig =
    prefix: freeformType: walked: declaredConfig:
    lib.recursiveUpdate (freeformType.merge prefix (
      map (def: {
        inherit (def) file;
        value = lib.setAttrByPath def.prefix def.value;
      }) walked.unmatched
    )) declaredConfig;

  # The error for definitions no option matched (`walked.unmatched` is
  # not empty).
  unmatchedError =
    prefix: options: walked:
    let
      first = head walked.unmatched;
      shownFirst =
        if first.pos or null != null && first.pos.file == first.file then
          first // { file = "${first.file}:${toString first.pos.line}:${toString first.pos.column}"; }
        else
          first;
      base = "The option `${showOption (prefix ++ first.prefix)}' does not exist. Definition values:${showDefs [ shownFirst ]}${suggestionsFor prefix options first.prefix}";
    in
    if attrNames options == [ "_module" ] then
      let
        optionName = showOption prefix;
      in
      if optionName == "" then
        throw ''
          ${base}

          It seems as if you're trying to declare an option by placing it into `config' rather than `options'!
        ''
      else
        throw ''
          ${base}

          However there are no options defined in `${showOption prefix}'. Are you sure you've
          declared your options properly? This can happen if you e.g. declared your options in `types.submodule'
          under `config' rather than `options'.
        ''
    else
      throw base;

  # What Strata's native `evalModules` (`strataEvalModules` in
  # crates/eval/src/builtins/modules.rs) leaves to Nix.
  evalModulesHelpers = {
    inherit
      lib
      loadModule
      disabledKey
      unknownModule
      moduleGraph
      nativeHelpers
      evalParts
      configContext
      freeformConfig
      unmatchedError
      ;
  };

  nativeEvalModules = builtins.strataEvalModules or null;

  evalModules =
    evalArgs@{
      modules,
      prefix ? [ ],
      args ? { },
      specialArgs ? { },
      check ? true,
      class ? null,
    }:
    if nativeEvalModules != null && !(evalArgs ? args || evalArgs ? check) then
      nativeEvalModules evalModulesHelpers evalArgs modules prefix specialArgs class
    else
      evalModulesNix evalArgs modules prefix args specialArgs check class;

  # `evalModules` in Nix, given its arguments and each of them with its
  # default: in Strata for the deprecated `args` and `check` arguments only.
  evalModulesNix =
    evalArgs: modules: prefix: args: specialArgs: check: class:
    let
      # The deprecated `args` and `check` arguments, as modules of their own
      # (after the given ones, as nixpkgs has them, also in `graph`).
      regularModules =
        modules
        ++ lib.optional (evalArgs ? args) { config._module.args = args; }
        ++ lib.optional (evalArgs ? check) { config._module.check = mkDefault check; };

      parts = evalParts evalArgs regularModules;

      moduleArgs = {
        inherit lib options specialArgs;
        _class = class;
        _prefix = prefix;
        config = builtins.addErrorContext configContext config;
      }
      // specialArgs;

      collected = collectModulesFrom inputs class (specialArgs.modulesPath or "") (
        regularModules ++ [ parts.internalModule ]
      ) moduleArgs;

      reversedModules = lib.reverseList collected.modules;
      inputs = levelInputs reversedModules;
      walked = walkLevel prefix inputs.decls inputs.defs;

      options = walked.options;
      declaredConfig = walked.config;
      # The value of `_module.freeformType` or `_module.check`: its default
      # when only the internal module declares anything under `_module` and
      # nothing defines it, as in most evaluations (every submodule's), read
      # without evaluating the option.
      defaultsApply = internalDefaults inputs;

      freeformType = if defaultsApply.freeformType then null else declaredConfig._module.freeformType;

      config = if freeformType == null then declaredConfig else freeformConfig prefix freeformType walked declaredConfig;

      checkUnmatched =
        if
          (if defaultsApply.check then true else declaredConfig._module.check)
          && freeformType == null
          && walked.unmatched != [ ]
        then
          unmatchedError prefix options walked
        else
          null;

      checked = builtins.seq checkUnmatched;

      result = {
        _type = "configuration";
        options = checked options;
        config = checked (removeAttrs config [ "_module" ]);
        _module = checked config._module;
        inherit (parts) extendModules type;
        inherit class;
        graph = collected.graph;
      };
    in
    if !(evalArgs ? args || evalArgs ? check) then
      result
    else
      lib.warnIf (evalArgs ? args)
        "The args argument to evalModules is deprecated. Please set config._module.args instead."
        (
          lib.warnIf (evalArgs ? check)
            "The check argument to evalModules is deprecated. Please set config._module.check instead."
            result
        );

  # ---------------------------------------------------------------------
  # Renamed, removed and aliased options

  # The value of the option at `path` in `options`, with its definitions.
  optionAt = options: path: lib.attrByPath path { } options;

  doRename =
    {
      from,
      to,
      visible,
      warn,
      use,
      withPriority ? true,
      condition ? true,
    }:
    { config, options, ... }:
    let
      fromOpt = lib.getAttrFromPath from options;
      toOf = lib.attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType =
        let
          opt = lib.attrByPath to { } options;
        in
        opt.type or (lib.types.submodule { });
    in
    {
      options = lib.setAttrByPath from (
        mkOption {
          inherit visible;
          description = "Alias of {option}`${showOption to}`.";
          apply = x: use (toOf config);
        }
        // lib.optionalAttrs (toType != null) { type = toType; }
      );
      config = mkIf condition (mkMerge [
        (lib.optionalAttrs (options ? warnings) {
          warnings =
            lib.optional (warn && fromOpt.isDefined)
              "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (
          if withPriority then
            mkAliasAndWrapDefsWithPriority (lib.setAttrByPath to) fromOpt
          else
            mkAliasAndWrapDefinitions (lib.setAttrByPath to) fromOpt
        )
      ]);
    };

  mkRenamedOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = false;
      warn = true;
      use = builtins.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  mkRenamedOptionModuleWith =
    {
      from,
      to,
      sinceRelease,
    }:
    doRename {
      inherit from to;
      visible = false;
      warn = lib.oldestSupportedReleaseIsAtLeast sinceRelease;
      use = lib.warnIf (lib.oldestSupportedReleaseIsAtLeast sinceRelease) "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  mkAliasOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = true;
      warn = false;
      use = x: x;
    };

  mkAliasOptionModuleMD = mkAliasOptionModule;

  mkRemovedOptionModule =
    optionName: replacementInstructions:
    { options, ... }:
    {
      options = lib.setAttrByPath optionName (mkOption {
        visible = false;
        apply =
          x:
          throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let
          opt = lib.getAttrFromPath optionName options;
        in
        [
          {
            assertion = !opt.isDefined;
            message = ''
              The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
              ${replacementInstructions}
            '';
          }
        ];
    };

  mkMergedOptionModule =
    from: to: mergeFn:
    { config, options, ... }:
    {
      options = foldl' lib.recursiveUpdate { } (
        map (
          path:
          lib.setAttrByPath path (mkOption {
            visible = false;
            default = "_mkMergedOptionModule";
          })
        ) from
      );
      config = {
        warnings = filter (x: x != "") (
          map (
            f:
            let
              val = lib.getAttrFromPath f config;
              opt = lib.getAttrFromPath f options;
            in
            lib.optionalString (val != "_mkMergedOptionModule")
              "The option `${showOption f}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
          ) from
        );
      }
      // lib.setAttrByPath to (
        mkMerge (
          lib.optional (builtins.any (f: (lib.getAttrFromPath f config) != "_mkMergedOptionModule") from) (
            mergeFn config
          )
        )
      );
    };

  mkChangedOptionModule =
    from: to: changeFn:
    mkMergedOptionModule [ from ] to changeFn;

  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  mkAliasDefinitions = mkAliasAndWrapDefinitions lib.id;

  mkAliasAndWrapDefinitions = wrap: option: mkAliasIfDef option (wrap (mkMerge option.definitions));

  mkAliasAndWrapDefsWithPriority =
    wrap: option:
    let
      prio = option.highestPrio or defaultOverridePriority;
      defsWithPrio = map (mkOverride prio) option.definitions;
    in
    mkAliasIfDef option (wrap (mkMerge defsWithPrio));

  mkAliasIfDef = option: mkIf (isOption option && option.isDefined);

  # Definitions of several options, each as `{ value, priority }`, merged
  # per attribute for a plain-attrs option.
  mergeAttrDefinitionsWithPrio =
    opt:
    let
      defsByAttr = zipAttrsWith (_: concatLists) (
        map (
          def:
          mapAttrs (
            _: value:
            [
              {
                inherit (def) file;
                inherit value;
              }
            ]
          ) def.value
        ) opt.definitionsWithLocations
      );
    in
    assert opt.type.name == "attrsOf" || opt.type.name == "lazyAttrsOf";
    mapAttrs (
      _: defs:
      let
        merged = mergeDefinitions opt.loc opt.type.nestedTypes.elemType defs;
      in
      {
        value = merged.mergedValue;
        inherit (merged.defsFinal') highestPrio;
      }
    ) defsByAttr;

  importApply =
    modulePath: staticArg:
    lib.setDefaultModuleLocation modulePath (import modulePath staticArg);

  importJSON = file: {
    _file = file;
    config = lib.importJSON file;
  };

  importTOML = file: {
    _file = file;
    config = lib.importTOML file;
  };

  fixMergeModules =
    modules: args:
    evalModules {
      inherit modules args;
      check = false;
    };

  mapDefinitionValue = f: def: def // { value = f def.value; };
in
{
  inherit
    applyModuleArgsIfFunction
    defaultOrderPriority
    defaultOverridePriority
    dischargeProperties
    doRename
    evalModules
    evalOptionValue
    filterOverrides
    filterOverrides'
    fixMergeModules
    fixupOptionType
    importApply
    importJSON
    importTOML
    mapDefinitionValue
    mergeAttrDefinitionsWithPrio
    mergeDefinitions
    mergeModules
    mergeModules'
    mergeOptionDecls
    mkAfter
    mkAliasAndWrapDefinitions
    mkAliasAndWrapDefsWithPriority
    mkAliasDefinitions
    mkAliasIfDef
    mkAliasOptionModule
    mkAliasOptionModuleMD
    mkAssert
    mkBefore
    mkChangedOptionModule
    mkDefault
    mkDefinition
    mkDerivedConfig
    mkFixStrictness
    mkForce
    mkIf
    mkImageMediaOverride
    mkMerge
    mkMergedOptionModule
    mkOptionDefault
    mkOrder
    mkOverride
    mkRemovedOptionModule
    mkRenamedOptionModule
    mkRenamedOptionModuleWith
    mkVMOverride
    pushDownProperties
    setDefaultModuleLocation
    sortProperties
    unifyModuleSyntax
    ;
  collectModules =
    class: modulesPath: modules: args:
    (collectModules class modulesPath modules args).modules;
  # What types.nix uses of this file's internals (default.nix passes it
  # there and leaves it out of `lib.modules`): `evalModules` as exported,
  # and Strata's native evaluation given its helpers, which the submodule
  # merge calls directly while `lib.modules.evalModules` is this one.
  internal = {
    inherit evalModules;
    direct = if nativeEvalModules != null then nativeEvalModules evalModulesHelpers else null;
  };
}

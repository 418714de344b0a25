# Option declarations and the helpers that print and merge option definitions.
#
# Behaviour follows nixpkgs' `lib.options` (names, results and messages);
# the code is Strata's own.
{ lib }:
let
  inherit (builtins)
    all
    concatStringsSep
    head
    isAttrs
    isBool
    isInt
    isList
    isString
    length
    map
    tail
    ;

  # Where a definition or declaration comes from when nobody said.
  unknownModule = "<unknown-file>";

  # A path component is printed bare when it reads as an identifier (or is
  # one of the placeholders used in documentation), and quoted otherwise.
  showOptionPart =
    part:
    if part == "*" || part == "<name>" || builtins.match "[a-zA-Z_][a-zA-Z0-9_'-]*" part != null then
      part
    else
      builtins.toJSON part;

  showOption = parts: concatStringsSep "." (map showOptionPart parts);

  showFiles = files: concatStringsSep " and " (map (f: "`${toString f}'") files);

  # At most five lines of each value, each indented; a value that cannot
  # be printed shows only its file.
  showDefs =
    defs:
    lib.concatMapStrings (
      def:
      let
        printed = builtins.tryEval (
          lib.generators.toPretty { } (
            lib.generators.withRecursion {
              depthLimit = 10;
              throwOnDepthLimit = false;
            } def.value
          )
        );
        lines = lib.splitString "\n" printed.value;
        shown = concatStringsSep "\n    " (lib.take 5 lines ++ lib.optional (length lines > 5) "...");
        suffix =
          if !printed.success then
            ""
          else if length lines > 1 then
            ":\n    " + shown
          else
            ": " + shown;
      in
      "\n- In `${def.file}'${suffix}"
    ) defs;

  priorityHint = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';

  getValues = map (def: def.value);
  getFiles = map (def: def.file);

  mergeUniqueOption =
    { message }:
    loc: defs:
    if length defs == 1 then
      (head defs).value
    else
      assert length defs > 1;
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${priorityHint}";

  # Natively in Strata (`strataMergeEqualOption`) for what it accepts; the
  # Nix version below gives every error.
  # (It prints as the lambda it stands for.)
  mergeEqualOption = (builtins.strataMergeEqualOption or (_: mergeEqualOptionNix)) mergeEqualOptionNix;

  mergeEqualOptionNix =
    loc: defs:
    if defs == [ ] then
      abort "This case should never happen."
    else if length defs == 1 then
      (head defs).value
    else
      (builtins.foldl' (
        kept: def:
        if lib.isFunction kept.value || lib.isFunction def.value || def.value != kept.value then
          throw "The option `${showOption loc}' has conflicting definition values:${showDefs [
            kept
            def
          ]}\n${priorityHint}"
        else
          kept
      ) (head defs) (tail defs)).value;

  mergeDefaultOption =
    loc: defs:
    let
      values = getValues defs;
    in
    if length values == 1 then
      head values
    else if all lib.isFunction values then
      # nixpkgs passes the results as plain values here (not definitions),
      # which fails as soon as this is called; kept for compatibility.
      arg: mergeDefaultOption loc (map (f: f arg) values)
    else if all isList values then
      builtins.concatLists values
    else if all isAttrs values then
      builtins.foldl' (a: b: a // b) { } values
    else if all isBool values then
      builtins.any (x: x) values
    else if all isString values then
      lib.concatStrings values
    else if all isInt values && all (x: x == head values) values then
      head values
    else
      throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  mkOption =
    {
      default ? null,
      defaultText ? null,
      example ? null,
      description ? null,
      relatedPackages ? null,
      type ? null,
      apply ? null,
      internal ? null,
      visible ? null,
      readOnly ? null,
    }@attrs:
    attrs // { _type = "option"; };

  literalExpression =
    text:
    if !isString text then
      throw "literalExpression expects a string."
    else
      {
        _type = "literalExpression";
        inherit text;
      };

  literalMD =
    text:
    if !isString text then
      throw "literalMD expects a string."
    else
      {
        _type = "literalMD";
        inherit text;
      };

  literalCode =
    languageTag: code:
    literalMD ''
      ```${languageTag}
      ${code}
      ```
    '';

  renderOptionValue =
    v:
    if v ? _type && v ? text then
      v
    else
      literalExpression (
        lib.generators.toPretty {
          multiline = true;
          allowPrettyValues = true;
        } v
      );

  mkEnableOption =
    name:
    mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = lib.types.bool;
    };

  mkPackageOption =
    pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      namePath = lib.toList name;
      nameText = lib.last namePath;
      defaultPath = if default == null then null else lib.toList default;
      pathText = path: pkgsText + "." + lib.showAttrPath path;
      lookup =
        path:
        lib.attrByPath path (throw "${pathText path} cannot be found in ${pkgsText}") pkgs;
    in
    mkOption (
      {
        type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
        description =
          "The ${nameText} package to use." + (if extraDescription == "" then "" else " " + extraDescription);
      }
      // lib.optionalAttrs (defaultPath != null) {
        default = lookup defaultPath;
        defaultText = literalExpression (pathText defaultPath);
      }
      // lib.optionalAttrs (nullable && defaultPath == null) { default = null; }
      // lib.optionalAttrs (example != null) {
        example = literalExpression (if isList example then pathText example else example);
      }
    );

  mkSinkUndeclaredOptions =
    attrs:
    mkOption (
      {
        internal = true;
        visible = false;
        default = false;
        description = "Sink for option definitions.";
        type = lib.types.mkOptionType {
          name = "sink";
          check = _: true;
          merge = loc: defs: false;
        };
        apply = _: throw "Option value is not readable because the option is not declared.";
      }
      // attrs
    );

  isOption = v: isAttrs v && (v._type or null) == "option";

  scrubOptionValue =
    v:
    if lib.isDerivation v then
      {
        type = "derivation";
        drvPath = v.name;
        outPath = v.name;
        name = v.name;
      }
    else if isList v then
      map scrubOptionValue v
    else if isAttrs v then
      builtins.mapAttrs (_: scrubOptionValue) (removeAttrs v [ "_args" ])
    else
      v;

  # Documentation entries for every visible option under `options`,
  # descending into the sub-options of submodule-like types.
  optionAttrSetToDocList' =
    _: options:
    builtins.concatMap (
      opt:
      let
        docOption = {
          loc = opt.loc;
          name = showOption opt.loc;
          description = opt.description or null;
          declarations = builtins.filter (f: f != unknownModule) opt.declarations;
          internal = opt.internal or false;
          visible = if opt ? visible && opt.visible == "shallow" then true else opt.visible or true;
          readOnly = opt.readOnly or false;
          type = opt.type.description or "unspecified";
        }
        // lib.optionalAttrs (opt ? example) {
          example = builtins.addErrorContext "while evaluating the example of option `${showOption opt.loc}`" (
            renderOptionValue opt.example
          );
        }
        // lib.optionalAttrs (
          opt ? defaultText
          || opt ? default
          || ((opt.type or { }).emptyValue or { }) ? value && (opt.type or { }).getSubModules or null == null
        ) {
          # Without a default, the type's empty value is what an unset
          # option amounts to; not for types with submodules, whose empty
          # value may not evaluate and whose sub-options are listed apart.
          default = builtins.addErrorContext "while evaluating the ${
            if opt ? defaultText then "defaultText" else "default value"
          } of option `${showOption opt.loc}`" (
            renderOptionValue (opt.defaultText or opt.default or opt.type.emptyValue.value)
          );
        }
        // lib.optionalAttrs (opt ? relatedPackages && opt.relatedPackages != null) {
          inherit (opt) relatedPackages;
        };
        subOptions =
          let
            ss = opt.type.getSubOptions opt.loc;
          in
          if ss != { } then optionAttrSetToDocList' opt.loc ss else [ ];
        subOptionsVisible = docOption.visible && (opt.visible or null) != "shallow";
      in
      [ docOption ] ++ lib.optionals subOptionsVisible subOptions
    ) (lib.collect isOption options);

  optionAttrSetToDocList = optionAttrSetToDocList' [ ];

  showOptionWithDefLocs = opt: ''
    ${showOption opt.loc}, with values defined in:
    ${concatStringsSep "\n" (map (file: "  - ${file}") opt.files)}
  '';
in
{
  inherit
    getFiles
    getValues
    isOption
    literalCode
    literalExpression
    literalMD
    mergeDefaultOption
    mergeEqualOption
    mergeUniqueOption
    mkEnableOption
    mkOption
    mkPackageOption
    mkSinkUndeclaredOptions
    optionAttrSetToDocList
    optionAttrSetToDocList'
    renderOptionValue
    scrubOptionValue
    showDefs
    showFiles
    showOption
    showOptionWithDefLocs
    unknownModule
    ;
  mergeOneOption = mergeUniqueOption { message = ""; };
  mkPackageOptionMD = mkPackageOption;
}

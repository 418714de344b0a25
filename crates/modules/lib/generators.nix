# Turning Nix values into text in other formats: key-value files, INI,
# git config, JSON/YAML, Nix itself (toPretty), property lists, Dhall, Lua.
{ lib }:
let
  inherit (builtins)
    isInt isFloat isString isBool isList isAttrs isPath attrNames
    concatStringsSep typeOf filter length;
  inherit (lib.strings) escape concatMapStringsSep concatStrings escapeNixIdentifier;
  inherit (lib.attrsets) mapAttrsToList isDerivation;
  inherit (lib.trivial) isFunction functionArgs;
in
rec {
  # --- Key-value files -----------------------------------------------------------

  mkValueStringDefault = { }: v:
    let unsupported = what: abort "generators.mkValueStringDefault: ${what} not supported: ${toPretty { } v}"; in
    if isInt v then toString v
    else if isDerivation v then toString v
    else if isString v then v
    else if v == true then "true"
    else if v == false then "false"
    else if v == null then "null"
    else if isList v then unsupported "lists"
    else if isAttrs v then unsupported "attrsets"
    else if isFunction v then unsupported "functions"
    else if isFloat v then lib.strings.floatToString v
    else abort "generators.mkValueStringDefault: this value is not supported: ${toPretty { } (toString v)}";

  mkKeyValueDefault = { mkValueString ? mkValueStringDefault { } }: separator: key: value:
    "${escape [ separator ] key}${separator}${mkValueString value}";

  toKeyValue =
    { mkKeyValue ? mkKeyValueDefault { } "="
    , listsAsDuplicateKeys ? false
    , indent ? ""
    }:
    set:
    let
      line = key: value: indent + mkKeyValue key value + "\n";
      linesOf = key: value:
        if listsAsDuplicateKeys && isList value then map (line key) value
        else [ (line key value) ];
    in
    concatStrings (builtins.concatLists (mapAttrsToList linesOf set));

  toINI =
    { mkSectionName ? (name: escape [ "[" "]" ] name)
    , mkKeyValue ? mkKeyValueDefault { } "="
    , listsAsDuplicateKeys ? false
    }:
    sections:
    let
      section = name: values:
        "[${mkSectionName name}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } values;
    in
    concatStringsSep "\n" (mapAttrsToList section sections);

  toINIWithGlobalSection =
    { mkSectionName ? (name: escape [ "[" "]" ] name)
    , mkKeyValue ? mkKeyValueDefault { } "="
    , listsAsDuplicateKeys ? false
    }:
    { globalSection, sections ? { } }:
    (if globalSection == { } then ""
     else toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } globalSection + "\n")
    + toINI { inherit mkSectionName mkKeyValue listsAsDuplicateKeys; } sections;

  # git-config(1): nested sets become `[section "sub.section"]`, values are
  # quoted and escaped, lists repeat the key.
  toGitINI = config:
    let
      sectionName = name:
        let parts = lib.strings.splitString "." name; in
        if lib.strings.hasInfix "\"" name || length parts == 1 then name
        else "${builtins.head parts} \"${concatStringsSep "." (builtins.tail parts)}\"";

      quote = v:
        if isString v then
          "\"${builtins.replaceStrings [ "\n" "\t" "\"" "\\" ] [ "\\n" "\\t" "\\\"" "\\\\" ] v}\""
        else v;

      keyValue = key: value:
        concatMapStringsSep "\n"
          (v: "\t" + mkKeyValueDefault { mkValueString = v: mkValueStringDefault { } (quote v); } " = " key v)
          (lib.lists.toList value);

      # { a.b.c = 1; } becomes { "a.b".c = 1; }: every leaf under the
      # section named by the path to its parent.
      flatten = path: value:
        if isAttrs value && !(isDerivation value) then
          builtins.concatLists (mapAttrsToList (name: inner: flatten (path ++ [ name ]) inner) value)
        else if length path > 1 then
          [ { ${concatStringsSep "." (lib.lists.init path)}.${lib.lists.last path} = value; } ]
        else
          [ { ${builtins.head path} = value; } ];

      sections = builtins.foldl' lib.attrsets.recursiveUpdate { } (flatten [ ] config);
    in
    toINI { mkSectionName = sectionName; mkKeyValue = keyValue; } sections;

  # --- JSON and YAML -------------------------------------------------------------

  toJSON = { }: builtins.toJSON;

  # JSON is a subset of YAML 1.2.
  toYAML = { }: builtins.toJSON;

  # --- Depth limiting --------------------------------------------------------------

  withRecursion = { depthLimit, throwOnDepthLimit ? true }: value:
    assert builtins.isInt depthLimit;
    let
      special = [ "__functor" "__functionArgs" "__toString" "__pretty" ];
      limit = depth:
        if depth > depthLimit then
          (if throwOnDepthLimit
           then throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
           else _: "<unevaluated>")
        else v: v;
      walk = depth: v:
        let next = x: walk (depth + 1) (limit (depth + 1) x); in
        if isAttrs v then builtins.mapAttrs (name: x: if builtins.elem name special then x else next x) v
        else if isList v then map next v
        else limit (depth + 1) v;
    in
    walk 0 value;

  # --- Nix syntax ------------------------------------------------------------------

  toPretty = { allowPrettyValues ? false, multiline ? true, indent ? "" }:
    let
      render = indent: v:
        let
          open = if multiline then "\n${indent}  " else " ";
          close = if multiline then "\n${indent}" else " ";
          deeper = render (indent + "  ");
        in
        if isInt v then toString v
        else if isFloat v then builtins.toJSON v
        else if isString v then renderString open close v
        else if v == true then "true"
        else if v == false then "false"
        else if v == null then "null"
        else if isPath v then toString v
        else if isList v then
          (if v == [ ] then "[ ]" else "[" + open + concatMapStringsSep open deeper v + close + "]")
        else if isFunction v then
          let args = functionArgs v; in
          if args == { } then "<function>"
          else "<function, args: {${concatStringsSep ", "
            (mapAttrsToList (name: optional: if optional then "${name}?" else name) args)}}>"
        else if isAttrs v then
          (if allowPrettyValues && v ? __pretty && v ? val then v.__pretty v.val
           else if v == { } then "{ }"
           else if isDerivation v then "<derivation ${v.name or "???"}>"
           else "{" + open
             + concatStringsSep open (mapAttrsToList
                 (name: value:
                   "${escapeNixIdentifier name} = ${builtins.addErrorContext
                     "while evaluating an attribute `${name}`" (deeper value)};")
                 v)
             + close + "}")
        else abort "generators.toPretty: cannot render a value of type ${typeOf v}";

      renderString = open: close: s:
        let
          lines = filter isString (builtins.split "\n" s);
          quoted = "\"" + concatStringsSep "\\n" (map (escape [ "\\" "\"" "\${" ]) lines) + "\"";
          indented = map (builtins.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ]) lines;
          final = lib.lists.last indented;
          block = "''" + open + concatStringsSep open (lib.lists.init indented)
            + (if final == "" then close else open + final) + "''";
        in
        if multiline && length lines > 1 then block else quoted;
    in
    render indent;

  # --- Property lists -----------------------------------------------------------------

  toPlist = { escape ? false }: value:
    let
      text = if escape then lib.strings.escapeXML else s: s;
      render = ind: v:
        if v == null then ""
        else if isBool v then ind + (if v then "<true/>" else "<false/>")
        else if isInt v then "${ind}<integer>${toString v}</integer>"
        else if isString v then "${ind}<string>${text v}</string>"
        else if isList v then
          concatStringsSep "\n" ([ "${ind}<array>" ] ++ map (render "\t${ind}") v ++ [ "${ind}</array>" ])
        else if isAttrs v then
          concatStringsSep "\n" ([ "${ind}<dict>" ] ++ entries ind v ++ [ "${ind}</dict>" ])
        else if isPath v then "${ind}<string>${text (toString v)}</string>"
        else if isFloat v then "${ind}<real>${toString v}</real>"
        else abort "generators.toPlist: cannot render a value of type ${typeOf v}";
      entries = ind: set:
        builtins.concatLists (mapAttrsToList
          (name: v:
            if name == "_module" || v == null then [ ]
            else [ "\t${ind}<key>${text name}</key>" (render "\t${ind}" v) ])
          set);
      document = ''
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        ${render "" value}
        </plist>'';
    in
    lib.warnIf (!escape) "Using `lib.generators.toPlist` without `escape = true` is deprecated" document;

  # --- Dhall ----------------------------------------------------------------------------

  toDhall = { }@args: v:
    let items = concatStringsSep ", "; in
    if isAttrs v then
      "{ ${items (mapAttrsToList (key: value: "${key} = ${toDhall args value}") v)} }"
    else if isList v then "[ ${items (map (toDhall args) v)} ]"
    else if isInt v then "${if v < 0 then "" else "+"}${toString v}"
    else if isBool v then (if v then "True" else "False")
    else if isFunction v then abort "generators.toDhall: cannot convert a function to Dhall"
    else if v == null then abort "generators.toDhall: cannot convert a null to Dhall"
    else builtins.toJSON v;

  # --- Lua ------------------------------------------------------------------------------

  mkLuaInline = expr: { _type = "lua-inline"; inherit expr; };

  toLua = { multiline ? true, indent ? "", asBindings ? false }@args: v:
    let
      inner = "${indent}  ";
      open = if multiline then "\n${inner}" else " ";
      close = if multiline then "\n${indent}" else " ";
      childArgs = args // { indent = if asBindings then indent else inner; asBindings = false; };
      items = concatStringsSep ",${open}";
      validName = name:
        builtins.match "[[:alpha:]_][[:alnum:]_]*(\\.[[:alpha:]_][[:alnum:]_]*)*" name != null;
      badNames = filter (name: !(validName name)) (attrNames v);
    in
    if asBindings then
      assert lib.assertMsg (badNames == [ ]) "Bad Lua var names: ${toPretty { } badNames}";
      concatStrings (mapAttrsToList (key: value: "${indent}${key} = ${toLua childArgs value}\n") v)
    else if v == null then "nil"
    else if isInt v || isFloat v || isString v || isBool v then builtins.toJSON v
    else if isPath v || isDerivation v then builtins.toJSON "${v}"
    else if isList v then
      (if v == [ ] then "{}" else "{${open}${items (map (toLua childArgs) v)}${close}}")
    else if isAttrs v then
      (if (v._type or null) == "lua-inline" then "(${v.expr})"
       else if v == { } then "{}"
       else "{${open}${items (mapAttrsToList (key: value: "[${builtins.toJSON key}] = ${toLua childArgs value}") v)}${close}}")
    else abort "generators.toLua: type ${typeOf v} is unsupported";
}

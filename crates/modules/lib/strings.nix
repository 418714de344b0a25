# Functions on strings: concatenation, affixes, splitting, escaping for
# shells, Nix, regexes, XML and URLs, case conversion, build-flag helpers,
# parsing integers and edit distances.
{ lib }:
let
  inherit (builtins)
    stringLength substring concatStringsSep replaceStrings match split
    isString isPath isList isAttrs isInt typeOf elem head tail length
    genList filter attrNames elemAt foldl';
  inherit (lib.lists) imap1;

  # A path as the first argument is a bug in the caller: nixpkgs warns and
  # answers "no match" (comparing a path's store copy), and so does this lib.
  pathArgument = function: what: x:
    lib.warn "lib.strings.${function}: The first argument (${toString x}) is a path value, but only strings are supported. The calling code is almost certainly wrong, since this function ${what} for a path; this use is deprecated and will become an error.";
in
rec {
  inherit (builtins)
    stringLength substring concatStringsSep replaceStrings match split
    isString isPath isAttrs isInt isList typeOf elem elemAt head tail filter
    genList parseDrvName compareVersions readFile toJSON fromJSON
    unsafeDiscardStringContext appendContext;

  storeDir = builtins.storeDir or "/nix/store";

  # --- Concatenation -----------------------------------------------------------

  concatStrings = concatStringsSep "";

  concatMapStrings = f: list: concatStrings (map f list);

  concatImapStrings = f: list: concatStrings (imap1 f list);

  concatMapStringsSep = separator: f: list: concatStringsSep separator (map f list);

  concatImapStringsSep = separator: f: list: concatStringsSep separator (imap1 f list);

  concatMapAttrsStringSep = separator: f: set:
    concatStringsSep separator (lib.attrsets.mapAttrsToList f set);

  concatLines = concatMapStrings (line: line + "\n");

  join = concatStringsSep;

  intersperse = separator: list:
    if list == [ ] || length list == 1 then list
    else tail (builtins.concatMap (x: [ separator x ]) list);

  replicate = n: s: concatStrings (lib.lists.replicate n s);

  optionalString = condition: s: if condition then s else "";

  replaceString = from: to: replaceStrings [ from ] [ to ];

  # --- Search paths ----------------------------------------------------------

  makeSearchPath = subDir: paths:
    concatStringsSep ":" (map (p: p + "/" + subDir) (filter (p: p != null) paths));

  makeSearchPathOutput = output: subDir: pkgs:
    makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);

  makeLibraryPath = makeSearchPathOutput "lib" "lib";

  makeIncludePath = makeSearchPathOutput "dev" "include";

  makeBinPath = makeSearchPathOutput "bin" "bin";

  normalizePath = s:
    lib.warnIf (isPath s)
      "lib.strings.normalizePath: The argument (${toString s}) is a path value, but only strings are supported. Path values are already normalized."
      (concatStringsSep "/" (filter isString (split "/+" s)));

  # --- Affixes -----------------------------------------------------------------

  hasPrefix = prefix: s:
    if isPath prefix then pathArgument "hasPrefix" "always returns false" prefix false
    else substring 0 (stringLength prefix) s == prefix;

  hasSuffix = suffix: s:
    let n = stringLength s; k = stringLength suffix; in
    if isPath suffix then pathArgument "hasSuffix" "always returns false" suffix false
    else n >= k && substring (n - k) k s == suffix;

  hasInfix = infix: s:
    if isPath infix then pathArgument "hasInfix" "always returns false" infix false
    else match ".*${escapeRegex infix}.*" "${s}" != null;

  removePrefix = prefix: s:
    let k = stringLength prefix; in
    if isPath prefix then pathArgument "removePrefix" "never removes anything" prefix s
    else if hasPrefix prefix s then substring k (stringLength s - k) s
    else s;

  removeSuffix = suffix: s:
    let k = stringLength suffix; n = stringLength s; in
    if isPath suffix then pathArgument "removeSuffix" "never removes anything" suffix s
    else if hasSuffix suffix s then substring 0 (n - k) s
    else s;

  commonPrefixLength = a: b:
    let
      n = lib.min (stringLength a) (stringLength b);
      go = i: if i < n && substring i 1 a == substring i 1 b then go (i + 1) else i;
    in
    go 0;

  commonSuffixLength = a: b:
    let
      la = stringLength a;
      lb = stringLength b;
      n = lib.min la lb;
      go = i:
        if i < n && substring (la - i - 1) 1 a == substring (lb - i - 1) 1 b
        then go (i + 1) else i;
    in
    go 0;

  # --- Characters --------------------------------------------------------------

  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);

  stringAsChars = f: s: concatMapStrings f (stringToCharacters s);

  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";

  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  toLower = replaceStrings upperChars lowerChars;

  toUpper = replaceStrings lowerChars upperChars;

  # ASCII code of a one-character string (codes 1 to 127).
  charToInt =
    let
      hex = n: lib.fixedWidthString 4 "0" (lib.trivial.toHexString n);
      table = builtins.listToAttrs (genList
        (i: { name = builtins.fromJSON "\"\\u${hex (i + 1)}\""; value = i + 1; })
        127);
    in
    c: builtins.getAttr c table;

  toSentenceCase = s:
    lib.throwIfNot (isString s)
      "toSentenceCase does only accepts string values, but got ${typeOf s}"
      (addContextFrom s (toUpper (substring 0 1 s) + toLower (substring 1 (stringLength s) s)));

  # Words are separated by '-', '_' or ' ', and begin at a lower-to-upper
  # case change; the first word is lowered, the others capitalised.
  toCamelCase = s:
    lib.throwIfNot (isString s)
      "toCamelCase does only accepts string values, but got ${typeOf s}"
      (let
        isLower = c: elem c lowerChars;
        isUpper = c: elem c upperChars;
        pieces = splitStringBy (_prev: c: elem c [ "-" "_" " " ]) false s;
        words = builtins.concatMap
          (splitStringBy (prev: c: isLower prev && isUpper c) true)
          pieces;
        first = head words;
      in
      addContextFrom s
        (toLower first + concatMapStrings toSentenceCase (tail words)));

  # --- Trimming ----------------------------------------------------------------

  trimWith = { start ? false, end ? false }: s:
    let
      space = "[ \t\r\n]";
      pattern =
        if start && end then "${space}*(.*[^ \t\r\n])?${space}*"
        else if start then "${space}*(.*)"
        else "(.*[^ \t\r\n])?${space}*";
      found = match pattern s;
      kept = head found;
    in
    if !start && !end then s
    else if kept == null then ""
    else kept;

  trim = trimWith { start = true; end = true; };

  # --- Splitting -----------------------------------------------------------------

  addContextFrom = source: target: substring 0 0 source + target;

  splitString = separator: s:
    map (addContextFrom s)
      (filter isString (split (escapeRegex (toString separator)) (toString s)));

  # Cut `s` before every character `c` (with the character before it, or ""
  # for the first) for which `pred prev c` holds; the character opens the
  # next piece when keepSplit, and is dropped otherwise.
  splitStringBy = pred: keepSplit: s:
    let
      chars = stringToCharacters s;
      step = state: i:
        let
          c = elemAt chars i;
          prev = if i == 0 then "" else elemAt chars (i - 1);
        in
        if pred prev c then {
          done = state.done ++ [ state.current ];
          current = if keepSplit then c else "";
        }
        else state // { current = state.current + c; };
      final = foldl' step { done = [ ]; current = ""; } (genList (i: i) (length chars));
    in
    map (addContextFrom s) (final.done ++ [ final.current ]);

  # --- Escaping --------------------------------------------------------------------

  escape = chars: replaceStrings chars (map (c: "\\${c}") chars);

  escapeC = chars:
    replaceStrings chars
      (map (c: "\\x${fixedWidthString 2 "0" (toLower (lib.trivial.toHexString (charToInt c)))}") chars);

  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");

  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);

  escapeNixIdentifier = s:
    let
      keywords = [ "if" "then" "else" "assert" "with" "let" "in" "rec" "inherit" "or" ];
    in
    if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null && !(elem s keywords) then s
    else escapeNixString s;

  escapeXML = replaceStrings
    [ "\"" "'" "<" ">" "&" ]
    [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];

  escapeURL =
    let
      safe = stringToCharacters
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
      unsafe = filter (c: !(elem c safe))
        (genList (i: builtins.fromJSON "\"\\u${fixedWidthString 4 "0" (lib.trivial.toHexString (i + 1))}\"") 127);
      encoded = map (c: "%${fixedWidthString 2 "0" (lib.trivial.toHexString (charToInt c))}") unsafe;
    in
    replaceStrings unsafe encoded;

  escapeShellArg = arg:
    let s = toString arg; in
    if match "[[:alnum:],._+:@%/-]+" s != null then s
    else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";

  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;

  toShellVar = name: value:
    lib.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name"
      (if isAttrs value && !(isStringLike value) then
        "declare -A ${name}=(${concatStringsSep " " (lib.attrsets.mapAttrsToList
          (k: v: "[${escapeShellArg k}]=${escapeShellArg v}") value)})"
      else if isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else
        "${name}=${escapeShellArg value}");

  toShellVars = vars: concatStringsSep "\n" (lib.attrsets.mapAttrsToList toShellVar vars);

  # --- Versions and names ------------------------------------------------------------

  versionOlder = a: b: compareVersions b a == 1;

  versionAtLeast = a: b: !(versionOlder a b);

  getName = x:
    if isString x then (parseDrvName x).name
    else x.pname or (parseDrvName x.name).name;

  getVersion = x:
    if isString x then (parseDrvName x).version
    else x.version or (parseDrvName x.name).version;

  nameFromURL = url: separator:
    let
      file = lib.lists.last (splitString "/" url);
      name = head (splitString separator file);
    in
    assert name != file;
    name;

  sanitizeDerivationName = s:
    let
      noDots = head (match "[.]*(.*)" s);
      pieces = split "[^[:alnum:]+._?=-]+" noDots;
      joined = concatMapStrings (p: if isList p then "-" else p) pieces;
      n = stringLength joined;
      short = substring (lib.max (n - 207) 0) (-1) joined;
    in
    if short == "" then "unknown" else short;

  # --- Build flags ---------------------------------------------------------------------

  enableFeature = flag: feature:
    assert lib.assertMsg (isString feature)
      "enableFeature: the feature name must be a string, not a ${typeOf feature}";
    "--${if flag then "enable" else "disable"}-${feature}";

  enableFeatureAs = flag: feature: value:
    enableFeature flag feature + optionalString flag "=${value}";

  withFeature = flag: feature:
    assert lib.assertMsg (isString feature)
      "withFeature: the feature name must be a string, not a ${typeOf feature}";
    "--${if flag then "with" else "without"}-${feature}";

  withFeatureAs = flag: feature: value:
    withFeature flag feature + optionalString flag "=${value}";

  cmakeOptionType = type: feature: value:
    assert elem (toUpper type) [ "BOOL" "FILEPATH" "PATH" "STRING" "INTERNAL" ];
    assert isString feature && isString value;
    "-D${feature}:${toUpper type}=${value}";

  cmakeBool = condition: flag:
    assert isString condition;
    assert builtins.isBool flag;
    cmakeOptionType "bool" condition (toUpper (lib.boolToString flag));

  cmakeFeature = feature: value:
    assert isString feature && isString value;
    cmakeOptionType "string" feature value;

  mesonOption = feature: value:
    assert isString feature && isString value;
    "-D${feature}=${value}";

  mesonBool = condition: flag:
    assert isString condition;
    assert builtins.isBool flag;
    mesonOption condition (lib.boolToString flag);

  mesonEnable = feature: flag:
    assert isString feature;
    assert builtins.isBool flag;
    mesonOption feature (if flag then "enabled" else "disabled");

  # --- Fixed width and numbers ------------------------------------------------------------

  fixedWidthString = width: filler: s:
    let n = stringLength s; in
    assert lib.assertMsg (n <= width)
      "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString n})";
    if n == width then s
    else filler + fixedWidthString (width - stringLength filler) filler s;

  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  floatToString = x:
    let text = toString x; in
    lib.warnIf (builtins.fromJSON text != x) "Imprecise conversion from float to string ${text}" text;

  # --- Kinds of strings -------------------------------------------------------------------

  isStringLike = x: isString x || isPath x || x ? outPath || x ? __toString;

  isConvertibleWithToString = x:
    isStringLike x
    || elem (typeOf x) [ "null" "int" "float" "bool" ]
    || (isList x && builtins.all isConvertibleWithToString x);

  isStorePath = x:
    if !(isStringLike x) then false
    else
      let s = toString x; in
      substring 0 1 s == "/" && dirOf s == storeDir;

  # --- Parsing integers -------------------------------------------------------------------

  toInt = s:
    let
      digits = match "[[:space:]]*(-?[[:digit:]]+)[[:space:]]*" s;
      text = head digits;
      bad = "toInt: Could not convert ${escapeNixString s} to int.";
    in
    if digits == null then throw bad
    else if match "-?0[[:digit:]]+" text != null then
      throw "toInt: Ambiguity in interpretation of ${escapeNixString s} between octal and zero padded integer."
    else
      let value = builtins.fromJSON text; in
      if isInt value then value else throw bad;

  toIntBase10 = s:
    let
      parts = match "[[:space:]]*(-?)0*([[:digit:]]+)[[:space:]]*" s;
      sign = elemAt parts 0;
      magnitude = elemAt parts 1;
      bad = "toIntBase10: Could not convert ${escapeNixString s} to int.";
    in
    if parts == null then throw bad
    else
      let value = builtins.fromJSON (sign + magnitude); in
      if isInt value then value else throw bad;

  # --- Files ------------------------------------------------------------------------------

  fileContents = file: removeSuffix "\n" (builtins.readFile file);

  # --- Edit distance ----------------------------------------------------------------------

  # Levenshtein distance, one row of the table at a time.
  levenshtein = a: b:
    let
      la = stringLength a;
      lb = stringLength b;
      charsB = stringToCharacters b;
      nextRow = row: i:
        let
          ca = substring (i - 1) 1 a;
          cell = previous: j:
            lib.min
              (lib.min (previous + 1) (elemAt row j + 1))
              (elemAt row (j - 1) + (if ca == elemAt charsB (j - 1) then 0 else 1));
          # Cells depend on their left neighbour: fold along the row.
          cells = foldl' (acc: j: acc ++ [ (cell (lib.lists.last acc) j) ]) [ i ] (lib.lists.range 1 lb);
        in
        cells;
      final = foldl' nextRow (genList (j: j) (lb + 1)) (lib.lists.range 1 la);
    in
    elemAt final lb;

  levenshteinAtMost = k:
    if k <= 0 then a: b: a == b
    else a: b:
      let d = stringLength a - stringLength b; in
      (if d < 0 then -d else d) <= k && levenshtein a b <= k;
}

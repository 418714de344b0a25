# Small general-purpose functions: combinators, booleans, numbers, function
# arguments, warnings and the release information of this lib.
{ lib }:
let
  inherit (builtins) foldl' isAttrs;
in
rec {
  # --- Combinators -------------------------------------------------------

  id = x: x;

  const = x: _ignored: x;

  # Feed `value` through the functions from left to right.
  pipe = value: functions: foldl' (acc: f: f acc) value functions;

  concat = xs: ys: xs ++ ys;

  flip = f: a: b: f b a;

  mapNullable = f: value: if value == null then null else f value;

  defaultTo = fallback: value: if value == null then fallback else value;

  mergeAttrs = left: right: left // right;

  # --- Booleans and bits ---------------------------------------------------

  or = x: y: x || y;

  and = x: y: x && y;

  xor = x: y: (!x) != (!y);

  bitAnd = builtins.bitAnd;
  bitOr = builtins.bitOr;
  bitXor = builtins.bitXor;
  # Two's complement: ~x = -1 - x.
  bitNot = x: (-1) - x;

  boolToString = b: if b then "true" else "false";

  boolToYesNo = b: if b then "yes" else "no";

  # --- Numbers -----------------------------------------------------------

  inherit (builtins) add sub mul div lessThan ceil floor;

  min = x: y: if x < y then x else y;

  max = x: y: if x > y then x else y;

  # Remainder with the sign of the dividend, like `div` truncating to zero.
  mod = dividend: divisor: dividend - divisor * (builtins.div dividend divisor);

  compare = a: b:
    if a < b then -1
    else if a > b then 1
    else 0;

  # Values satisfying `p` sort before the others; within each group `yes`
  # or `no` decides.
  splitByAndCompare = p: yes: no: a: b:
    let pa = p a; pb = p b; in
    if pa && pb then yes a b
    else if pa then -1
    else if pb then 1
    else no a b;

  # Digits of a non-negative integer in the given base, most significant first.
  toBaseDigits = base: n:
    let
      digitsOf = m:
        if m < base then [ m ]
        else digitsOf (builtins.div m base) ++ [ (mod m base) ];
    in
    assert lib.assertMsg (base >= 2) "toBaseDigits: base must be at least 2";
    assert lib.assertMsg (n >= 0) "toBaseDigits: the number must not be negative";
    digitsOf n;

  toHexString = n:
    let symbols = lib.strings.stringToCharacters "0123456789ABCDEF"; in
    lib.strings.concatMapStrings (d: builtins.elemAt symbols d) (toBaseDigits 16 n);

  fromHexString = text:
    let
      groups = builtins.match "(0x)?([0-9A-Fa-f]+)" text;
      digits = builtins.elemAt groups 1;
    in
    if groups == null then
      throw "lib.fromHexString: ${builtins.toJSON text} is not a hexadecimal number"
    else
      (builtins.fromTOML "value = 0x${digits}").value;

  # --- Builtins re-exported ------------------------------------------------

  inherit (builtins)
    seq deepSeq genericClosure pathExists readFile isInt isBool isFloat;

  # --- Importing data ------------------------------------------------------

  importJSON = path: builtins.fromJSON (builtins.readFile path);

  importTOML = path: builtins.fromTOML (builtins.readFile path);

  # --- Warnings and assertions ---------------------------------------------

  # `builtins.warn` exists in newer Nix (and Strata); elsewhere a trace line
  # that looks the same, honouring NIX_ABORT_ON_WARN.
  warn =
    if builtins ? warn then builtins.warn
    else message: value:
      if builtins.elem (builtins.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ]
      then throw "aborting on warning: ${message}"
      else builtins.trace "evaluation warning: ${message}" value;

  warnIf = condition: message: if condition then warn message else id;

  warnIfNot = condition: message: if condition then id else warn message;

  throwIfNot = condition: message: if condition then id else throw message;

  throwIf = condition: message: if condition then throw message else id;

  info = message: builtins.trace "INFO: ${message}";

  showWarnings = warnings: result: lib.lists.foldr warn result warnings;

  checkListOfEnum = what: allowed: given:
    let unknown = lib.lists.subtractLists allowed given; in
    throwIfNot (unknown == [ ])
      "${what}: ${builtins.concatStringsSep ", " (map builtins.toString unknown)} unexpected; valid ones: ${builtins.concatStringsSep ", " (map builtins.toString allowed)}";

  # --- Functions as values -------------------------------------------------

  setFunctionArgs = f: args: {
    __functor = _self: f;
    __functionArgs = args;
  };

  functionArgs = f:
    if f ? __functor
    then f.__functionArgs or (functionArgs (f.__functor f))
    else builtins.functionArgs f;

  # A functor counts when applying `__functor` to the set gives a lambda
  # (one level only, as in nixpkgs).
  isFunction = f:
    builtins.isFunction f || (f ? __functor && builtins.isFunction (f.__functor f));

  mirrorFunctionArgs = source:
    let args = functionArgs source; in
    target: setFunctionArgs target args;

  toFunction = v: if isFunction v then v else _: v;

  # --- Release information -------------------------------------------------

  # The nixpkgs release this lib is call-compatible with.
  release = "26.11";

  codeName = "Zokor";

  versionSuffix = "pre-git";

  version = release + versionSuffix;

  nixpkgsVersion = warn "lib.nixpkgsVersion is a deprecated alias of lib.version." version;

  # There is no git checkout behind an embedded lib.
  revisionWithDefault = fallback: fallback;

  oldestSupportedRelease = 2511;

  oldestSupportedReleaseIsAtLeast = release: release <= oldestSupportedRelease;

  isInOldestRelease =
    lib.warnIf (oldestSupportedReleaseIsAtLeast 2411)
      "lib.isInOldestRelease is deprecated; use lib.oldestSupportedReleaseIsAtLeast, which has the same meaning."
      oldestSupportedReleaseIsAtLeast;

  inNixShell = false;

  inPureEvalMode = !(builtins ? currentSystem);
}

# Functions on attribute sets: paths into nested sets, mapping, filtering,
# folding, zipping, recursive merging and derivation outputs.
{ lib }:
let
  inherit (builtins)
    attrNames attrValues isAttrs isList length head tail elemAt listToAttrs
    concatMap foldl' filter;
  inherit (lib.strings) concatStringsSep concatMapStringsSep escapeNixIdentifier;
in
rec {
  inherit (builtins)
    attrNames attrValues getAttr hasAttr intersectAttrs isAttrs listToAttrs
    removeAttrs catAttrs mapAttrs;

  # --- Paths ---------------------------------------------------------------

  attrByPath = path: fallback: set:
    let
      walk = depth: value:
        if depth == length path then value
        else
          let name = elemAt path depth; in
          if isAttrs value && value ? ${name}
          then walk (depth + 1) value.${name}
          else fallback;
    in
    walk 0 set;

  hasAttrByPath = path: set:
    let
      walk = depth: value:
        depth == length path
        || (let name = elemAt path depth; in
            isAttrs value && value ? ${name} && walk (depth + 1) value.${name});
    in
    walk 0 set;

  # The longest prefix of `path` that exists in `set`.
  longestValidPathPrefix = path: set:
    let
      walk = depth: value:
        if depth == length path then depth
        else
          let name = elemAt path depth; in
          if isAttrs value && value ? ${name}
          then walk (depth + 1) value.${name}
          else depth;
    in
    lib.lists.take (walk 0 set) path;

  setAttrByPath = path: value:
    lib.lists.foldr (name: inner: { ${name} = inner; }) value path;

  getAttrFromPath = path: set:
    attrByPath path
      (abort "cannot find attribute '${concatStringsSep "." path}'")
      set;

  showAttrPath = path:
    if path == [ ] then "<root attribute path>"
    else concatMapStringsSep "." escapeNixIdentifier path;

  # Apply `{ path; update; }` records to a value. At every level, first
  # the updates to deeper paths are applied (grouped by their next attribute
  # name), then the updates ending at this level, in list order. A missing
  # attribute under a deeper update starts out as `{ }`.
  updateManyAttrsByPath = updates: value:
    let
      apply = depth: present: value: updates:
        let
          parts = lib.lists.partition (u: length u.path == depth) updates;
          ending = parts.right;
          deeper = parts.wrong;
          grouped = lib.lists.groupBy (u: elemAt u.path depth) deeper;
          below = name: apply (depth + 1) (value ? ${name}) (value.${name} or null);
          base =
            if deeper == [ ] then
              (if present then value
               else throw "updateManyAttrsByPath: Path '${showAttrPath (head ending).path}' does not exist in the given value, but the first update to this path tries to access the existing value.")
            else if !present then builtins.mapAttrs (name: apply (depth + 1) false null) grouped
            else if isAttrs value then value // builtins.mapAttrs below grouped
            else
              let here = showAttrPath (lib.lists.take depth (head deeper).path); in
              throw "updateManyAttrsByPath: Path '${showAttrPath (head deeper).path}' needs to be updated, but path '${here}' of the given value is not an attribute set, so we can't update an attribute inside of it.";
        in
        foldl' (acc: u: u.update acc) base ending;
    in
    apply 0 true value updates;

  # --- Selecting ------------------------------------------------------------

  attrVals = names: set: map (name: set.${name}) names;

  getAttrs = names: set: genAttrs names (name: set.${name});

  filterAttrs = pred: set:
    removeAttrs set (filter (name: !(pred name set.${name})) (attrNames set));

  filterAttrsRecursive = pred: set:
    listToAttrs (concatMap
      (name:
        let value = set.${name}; in
        if pred name value then
          [ (nameValuePair name (if isAttrs value then filterAttrsRecursive pred value else value)) ]
        else [ ])
      (attrNames set));

  collect = pred: value:
    if pred value then [ value ]
    else if isAttrs value then concatMap (collect pred) (attrValues value)
    else [ ];

  matchAttrs = pattern: set:
    assert isAttrs pattern;
    builtins.all
      (name:
        set ? ${name}
        && (let want = pattern.${name}; have = set.${name}; in
            if isAttrs want && isAttrs have then matchAttrs want have else want == have))
      (attrNames pattern);

  # --- Folding ---------------------------------------------------------------

  foldlAttrs = f: init: set:
    foldl' (acc: name: f acc name set.${name}) init (attrNames set);

  foldAttrs = op: nul: sets:
    lib.lists.foldr
      (set: acc:
        foldl' (acc': name: acc' // { ${name} = op set.${name} (acc'.${name} or nul); })
          acc (attrNames set))
      { } sets;

  # --- Building ------------------------------------------------------------

  nameValuePair = name: value: { inherit name value; };

  genAttrs = names: f: listToAttrs (map (name: nameValuePair name (f name)) names);

  genAttrs' = items: f: listToAttrs (map f items);

  optionalAttrs = condition: set: if condition then set else { };

  cartesianProduct = lists:
    foldl'
      (partials: name:
        concatMap (partial: map (choice: partial // { ${name} = choice; }) lists.${name}) partials)
      [ { } ]
      (attrNames lists);

  # Older name of cartesianProduct, kept for configurations that still use it.
  cartesianProductOfSets = cartesianProduct;

  mapCartesianProduct = f: lists: map f (cartesianProduct lists);

  # --- Mapping -------------------------------------------------------------

  mapAttrs' = f: set: listToAttrs (map (name: f name set.${name}) (attrNames set));

  mapAttrsToList = f: set: map (name: f name set.${name}) (attrNames set);

  attrsToList = mapAttrsToList nameValuePair;

  concatMapAttrs = f: set: foldl' (acc: part: acc // part) { } (mapAttrsToList f set);

  mapAttrsRecursive = f: set: mapAttrsRecursiveCond (_: true) f set;

  mapAttrsRecursiveCond = cond: f: set:
    let
      go = path: builtins.mapAttrs (name: value:
        let here = path ++ [ name ]; in
        if isAttrs value && cond value then go here value else f here value);
    in
    go [ ] set;

  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);

  mapAttrsToListRecursiveCond = cond: f: set:
    let
      go = path: value:
        concatMap (name:
          let here = path ++ [ name ]; inner = value.${name}; in
          if isAttrs inner && cond here inner then go here inner else [ (f here inner) ])
          (attrNames value);
    in
    go [ ] set;

  # --- Zipping and merging -----------------------------------------------------

  zipAttrsWithNames = names: f: sets:
    listToAttrs (map (name: nameValuePair name (f name (builtins.catAttrs name sets))) names);

  zipAttrsWith =
    if builtins ? zipAttrsWith then builtins.zipAttrsWith
    else f: sets: zipAttrsWithNames (lib.lists.unique (concatMap attrNames sets)) f sets;

  zipAttrs = zipAttrsWith (_name: values: values);

  mergeAttrsList = sets: foldl' (acc: set: acc // set) { } sets;

  recursiveUpdateUntil = stop: lhs: rhs:
    let
      merge = path: sides:
        zipAttrsWith (name: values:
          let here = path ++ [ name ]; in
          if length values == 1 || stop here (elemAt values 1) (head values)
          then head values
          else merge here values)
          sides;
    in
    merge [ ] [ rhs lhs ];

  recursiveUpdate = lhs: rhs:
    recursiveUpdateUntil (_path: l: r: !(isAttrs l && isAttrs r)) lhs rhs;

  overrideExisting = old: new: builtins.mapAttrs (name: value: new.${name} or value) old;

  unionOfDisjoint = x: y:
    let
      common = builtins.intersectAttrs x y;
      names = concatStringsSep " " (attrNames common);
      poisoned = builtins.mapAttrs
        (name: _: throw "unionOfDisjoint: collision on ${name}; complete list: ${names}")
        common;
    in
    x // y // poisoned;

  # --- Derivations -------------------------------------------------------------

  isDerivation = value: (value.type or null) == "derivation";

  toDerivation = path:
    let
      storePath = builtins.storePath path;
      drv = {
        type = "derivation";
        name = lib.strings.sanitizeDerivationName (builtins.substring 33 (-1) (baseNameOf storePath));
        outPath = storePath;
        outputs = [ "out" ];
        out = drv;
        outputName = "out";
      };
    in
    drv;

  getOutput = output: pkg:
    if !(pkg ? outputSpecified) || !pkg.outputSpecified
    then pkg.${output} or pkg.out or pkg
    else pkg;

  getFirstOutput = candidates: pkg:
    let present = filter (name: pkg ? ${name}) candidates; in
    if (pkg.outputSpecified or false) || present == [ ] then pkg
    else pkg.${head present};

  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";
  getStatic = getFirstOutput [ "static" "lib" "out" ];
  getInclude = getFirstOutput [ "include" "dev" "out" ];

  chooseDevOutputs = map getDev;

  recurseIntoAttrs = set: set // { recurseForDerivations = true; };

  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };
}

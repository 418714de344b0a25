# Functions on lists: folds, indexed maps, searching, slicing, sorting,
# grouping, set-like operations and topological sorting.
{ lib }:
let
  inherit (builtins)
    length head tail elemAt genList filter concatMap isList elem foldl';
  inherit (lib.trivial) min max compare;

  # Native in Strata (crates/eval/src/builtins/modules.rs): the module
  # system reverses its module list on every evaluation.
  nativeReverseList =
    builtins.strataReverseList or (list:
      let n = length list; in
      genList (i: elemAt list (n - 1 - i)) n);
in
rec {
  inherit (builtins)
    head tail elem elemAt length filter genList map concatMap concatLists
    isList sort partition any all;

  # --- Construction ---------------------------------------------------------

  singleton = x: [ x ];

  forEach = list: f: map f list;

  optional = condition: x: if condition then [ x ] else [ ];

  optionals = condition: xs: if condition then xs else [ ];

  toList = x: if isList x then x else [ x ];

  range = first: last:
    if first > last then [ ] else genList (i: first + i) (last - first + 1);

  replicate = n: x: genList (_: x) n;

  flatten = x: if isList x then concatMap flatten x else [ x ];

  # --- Folds -----------------------------------------------------------------

  foldr = op: nul: list:
    let
      n = length list;
      go = i: if i == n then nul else op (elemAt list i) (go (i + 1));
    in
    go 0;

  fold = lib.warn "lib.fold is deprecated; use lib.foldr, which it is an alias of." foldr;

  foldl = op: nul: list:
    let go = i: if i < 0 then nul else op (go (i - 1)) (elemAt list i); in
    go (length list - 1);

  # Like builtins.foldl', but the initial accumulator is forced as well.
  foldl' = op: acc: builtins.seq acc (builtins.foldl' op acc);

  # --- Indexed operations ------------------------------------------------------

  imap0 = f: list: genList (i: f i (elemAt list i)) (length list);

  imap1 = f: list: genList (i: f (i + 1) (elemAt list i)) (length list);

  ifilter0 = pred: list:
    map (i: elemAt list i)
      (filter (i: pred i (elemAt list i)) (genList (i: i) (length list)));

  # --- Searching ---------------------------------------------------------------

  remove = x: filter (y: y != x);

  findSingle = pred: none: several: list:
    let found = filter pred list; in
    if found == [ ] then none
    else if length found > 1 then several
    else head found;

  findFirstIndex = pred: none: list:
    let
      n = length list;
      go = i: if i == n then none else if pred (elemAt list i) then i else go (i + 1);
    in
    go 0;

  findFirst = pred: none: list:
    let i = findFirstIndex pred null list; in
    if i == null then none else elemAt list i;

  count = pred: foldl' (n: x: if pred x then n + 1 else n) 0;

  # --- Slicing -------------------------------------------------------------------

  sublist = start: count: list:
    let
      n = length list;
      size =
        if start >= n then 0
        else if start + count > n then n - start
        else count;
    in
    genList (i: elemAt list (start + i)) size;

  take = count: sublist 0 count;

  drop = count: list: sublist count (length list) list;

  takeEnd = count: list: drop (max 0 (length list - count)) list;

  dropEnd = count: list: take (max 0 (length list - count)) list;

  last = list:
    assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    elemAt list (length list - 1);

  init = list:
    assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (length list - 1) list;

  hasPrefix = prefix: list: take (length prefix) list == prefix;

  removePrefix = prefix: list:
    if hasPrefix prefix list then drop (length prefix) list
    else throw "lib.lists.removePrefix: First argument is not a list prefix of the second argument.";

  commonPrefix = xs: ys:
    let
      n = min (length xs) (length ys);
      go = i: if i < n && elemAt xs i == elemAt ys i then go (i + 1) else i;
    in
    take (go 0) xs;

  replaceElemAt = list: index: value:
    assert lib.assertMsg (index >= 0 && index < length list)
      "'lists.replaceElemAt' called with index ${toString index} on a list of size ${toString (length list)}";
    genList (i: if i == index then value else elemAt list i) (length list);

  reverseList = list: nativeReverseList list;

  # --- Combining ---------------------------------------------------------------

  zipListsWith = f: xs: ys:
    genList (i: f (elemAt xs i) (elemAt ys i)) (min (length xs) (length ys));

  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  crossLists = lib.warn "lib.crossLists is deprecated; use lib.mapCartesianProduct instead."
    (f: lists: foldl' (partials: args: concatMap (g: map g args) partials) [ f ] lists);

  concatAttrValues = set: builtins.concatLists (builtins.attrValues set);

  # --- Grouping ------------------------------------------------------------------

  groupBy =
    if builtins ? groupBy then builtins.groupBy
    else key: list:
      foldl' (acc: x:
        let k = key x; in acc // { ${k} = (acc.${k} or [ ]) ++ [ x ]; })
        { } list;

  groupBy' = op: nul: key: list:
    builtins.mapAttrs (_: group: foldl' op nul group) (groupBy key list);

  # --- Set-like operations ---------------------------------------------------------

  unique = foldl' (seen: x: if elem x seen then seen else seen ++ [ x ]) [ ];

  uniqueStrings = list: builtins.attrNames (builtins.groupBy (s: s) list);

  allUnique = list: length (unique list) == length list;

  intersectLists = xs: filter (x: elem x xs);

  subtractLists = xs: filter (x: !(elem x xs));

  mutuallyExclusive = xs: ys: xs == [ ] || !(builtins.any (y: elem y xs) ys);

  # --- Sorting -------------------------------------------------------------------

  sortOn = key: list:
    map (pair: elemAt pair 1)
      (builtins.sort (a: b: head a < head b) (map (x: [ (key x) x ]) list));

  compareLists = cmp: xs: ys:
    if xs == [ ] then (if ys == [ ] then 0 else -1)
    else if ys == [ ] then 1
    else
      let order = cmp (head xs) (head ys); in
      if order == 0 then compareLists cmp (tail xs) (tail ys) else order;

  # Strings compared piecewise, runs of digits by their numeric value.
  naturalSort = list:
    let
      chunks = s: map (part: if isList part then lib.strings.toInt (head part) else part)
        (builtins.split "(0|[1-9][0-9]*)" s);
      keyed = map (s: [ (chunks s) s ]) list;
    in
    map (pair: elemAt pair 1)
      (builtins.sort (a: b: compareLists compare (head a) (head b) < 0) keyed);

  # Depth-first search for an element that nothing else is `before`,
  # starting from the head of `list`. Returns { minimal; visited; rest; },
  # or, when stopOnCycles and a visited element comes before the current one,
  # { cycle; loops; visited; rest; }.
  listDfs = stopOnCycles: before: list:
    let
      visit = current: visited: rest:
        let
          loops = filter (x: before x current) visited;
          split = builtins.partition (x: before x current) rest;
        in
        if stopOnCycles && loops != [ ] then
          { cycle = current; inherit loops visited rest; }
        else if split.right == [ ] then
          { minimal = current; inherit visited rest; }
        else
          visit (head split.right) ([ current ] ++ visited) (tail split.right ++ split.wrong);
    in
    visit (head list) [ ] (tail list);

  # Sort so that `before a b` implies a comes first: { result = [...]; } or,
  # for cyclic input, { cycle = [...]; loops = [...]; }.
  toposort = before: list:
    if length list < 2 then { result = list; }
    else
      let
        search = listDfs true before list;
        remaining = toposort before (search.visited ++ search.rest);
      in
      if search ? cycle then {
        cycle = reverseList ([ search.cycle ] ++ search.visited);
        inherit (search) loops;
      }
      else if remaining ? cycle then remaining
      else { result = [ search.minimal ] ++ remaining.result; };
}

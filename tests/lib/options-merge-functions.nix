lib:
let
  d = vs: lib.imap1 (i: v: { file = "f${toString i}"; value = v; }) vs;
  ok = e: (builtins.tryEval (builtins.deepSeq e e)).success;
  o = lib.options;
in
{
  defaultLists = o.mergeDefaultOption [ "a" ] (d [ [ 1 ] [ 2 ] ]);
  defaultAttrs = o.mergeDefaultOption [ "a" ] (d [ { a = 1; } { b = 2; } ]);
  defaultBools = o.mergeDefaultOption [ "a" ] (d [ false true ]);
  defaultStrs = o.mergeDefaultOption [ "a" ] (d [ "a" "b" ]);
  defaultInts = o.mergeDefaultOption [ "a" ] (d [ 1 1 ]);
  defaultIntsBad = ok (o.mergeDefaultOption [ "a" ] (d [ 1 2 ]));
  one = o.mergeOneOption [ "a" ] (d [ 5 ]);
  oneBad = ok (o.mergeOneOption [ "a" ] (d [ 5 5 ]));
  equal = o.mergeEqualOption [ "a" ] (d [ 5 5 ]);
  equalBad = ok (o.mergeEqualOption [ "a" ] (d [ 5 6 ]));
  equalFns = ok (o.mergeEqualOption [ "a" ] (d [ (x: x) (x: x) ]));
  unique = o.mergeUniqueOption { message = "m"; } [ "a" ] (d [ 3 ]);
}

lib:
{
  take = [ (lib.take 2 [ 1 2 3 ]) (lib.take 5 [ 1 ]) (lib.take 0 [ 1 ]) ];
  drop = [ (lib.drop 2 [ 1 2 3 ]) (lib.drop 5 [ 1 ]) ];
  takeEnd = [ (lib.takeEnd 2 [ 1 2 3 ]) (lib.takeEnd 5 [ 1 ]) ];
  dropEnd = [ (lib.dropEnd 2 [ 1 2 3 ]) (lib.dropEnd 5 [ 1 ]) ];
  sublist = [ (lib.sublist 1 3 [ "a" "b" "c" "d" "e" ]) (lib.sublist 1 3 [ "a" "b" ]) (lib.sublist 5 1 [ 1 ]) ];
  last = lib.last [ 1 2 3 ];
  init = lib.init [ 1 2 3 ];
  lastEmpty = builtins.tryEval (lib.last [ ]);
  initEmpty = builtins.tryEval (lib.init [ ]);
  hasPrefix = [ (lib.lists.hasPrefix [ 1 2 ] [ 1 2 3 ]) (lib.lists.hasPrefix [ 2 ] [ 1 2 ]) (lib.lists.hasPrefix [ ] [ 1 ]) ];
  removePrefix = lib.lists.removePrefix [ 1 2 ] [ 1 2 3 ];
  removePrefixBad = builtins.tryEval (lib.lists.removePrefix [ 3 ] [ 1 2 ]);
  commonPrefix = [ (lib.lists.commonPrefix [ 1 2 3 ] [ 1 2 4 ]) (lib.lists.commonPrefix [ 1 ] [ 2 ]) (lib.lists.commonPrefix [ 1 2 ] [ 1 2 3 ]) ];
  replaceElemAt = lib.replaceElemAt [ 1 2 3 ] 1 "x";
  replaceElemAtBad = builtins.tryEval (lib.replaceElemAt [ 1 ] 3 "x");
}

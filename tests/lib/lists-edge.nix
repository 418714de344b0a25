lib:
{
  foldrLazy = lib.foldr (x: acc: if x == 2 then "stop" else acc) "end" [ 1 2 (throw "lazy") ];
  foldlOrder = lib.foldl (acc: x: acc ++ [ x ]) [ 0 ] [ 1 2 ];
  sortStable = lib.sortOn (x: x.k) [ { k = 1; v = "a"; } { k = 0; v = "b"; } { k = 1; v = "c"; } ];
  flattenNested = lib.flatten [ [ [ [ ] ] ] [ [ 1 ] ] ];
  uniqueAttrs = lib.unique [ { a = 1; } { a = 1; } { a = 2; } ];
  zipEmpty = lib.zipLists [ ] [ 1 ];
  groupByEmpty = lib.groupBy (x: x) [ ];
  takeNegative = lib.take 0 [ ];
  subtractAll = lib.subtractLists [ 1 2 ] [ 1 2 ];
  rangeNegative = lib.range (-2) 1;
  naturalSortMixed = lib.naturalSort [ "a10b" "a2b" "a10a" "b" "a" "" ];
  findSingleLazy = lib.findSingle (x: x > 0) "none" "multi" [ 0 1 ];
  imap1Empty = lib.imap1 (i: x: i) [ ];
}

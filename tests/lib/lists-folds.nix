lib:
{
  foldr = lib.foldr (x: acc: "(${x} ${acc})") "z" [ "a" "b" "c" ];
  foldl = lib.foldl (acc: x: "(${acc} ${x})") "z" [ "a" "b" "c" ];
  foldl' = lib.foldl' (acc: x: acc + x) 0 [ 1 2 3 ];
  fold = lib.fold (x: acc: [ x ] ++ acc) [ ] [ 1 2 ];
  empty = [ (lib.foldr (a: b: a) 0 [ ]) (lib.foldl (a: b: a) 0 [ ]) ];
  count = lib.count (x: x > 1) [ 1 2 3 ];
}

lib:
{
  zipListsWith = lib.zipListsWith (a: b: a + b) [ 1 2 3 ] [ 10 20 ];
  zipLists = lib.zipLists [ 1 2 ] [ "a" "b" "c" ];
  partition = lib.partition (x: x > 2) [ 5 1 2 3 4 ];
  groupBy = lib.groupBy (x: if x > 2 then "big" else "small") [ 1 2 3 4 ];
  groupBy' = lib.groupBy' builtins.add 0 (x: if x > 2 then "big" else "small") [ 1 2 3 4 ];
  crossLists = lib.crossLists (x: y: "${toString x}${toString y}") [ [ 1 2 ] [ 3 4 ] ];
  concatAttrValues = lib.concatAttrValues { b = [ 1 ]; a = [ 2 3 ]; };
}

lib:
{
  unique = lib.unique [ 3 2 3 4 2 ];
  uniqueStrings = lib.uniqueStrings [ "b" "a" "b" ];
  allUnique = [ (lib.allUnique [ 1 2 ]) (lib.allUnique [ 1 1 ]) (lib.allUnique [ ]) ];
  intersect = lib.intersectLists [ 1 2 3 ] [ 6 3 2 ];
  subtract = lib.subtractLists [ 3 2 ] [ 1 2 3 4 5 3 ];
  exclusive = [ (lib.mutuallyExclusive [ 1 2 ] [ 3 4 ]) (lib.mutuallyExclusive [ 1 2 ] [ 2 ]) (lib.mutuallyExclusive [ ] [ 1 ]) ];
}

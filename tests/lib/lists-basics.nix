lib:
{
  singleton = lib.singleton 1;
  forEach = lib.forEach [ 1 2 ] (x: x * 2);
  imap0 = lib.imap0 (i: v: "${toString i}${v}") [ "a" "b" ];
  imap1 = lib.imap1 (i: v: "${toString i}${v}") [ "a" "b" ];
  ifilter0 = lib.ifilter0 (i: v: i == 0 || v > 1) [ 1 2 3 0 ];
  concatMap = lib.concatMap (x: [ x x ]) [ 1 2 ];
  flatten = [ (lib.flatten [ 1 [ 2 [ 3 ] ] [ ] 4 ]) (lib.flatten 1) ];
  remove = lib.remove 3 [ 1 3 4 3 ];
  optional = [ (lib.optional true 1) (lib.optional false 1) ];
  optionals = [ (lib.optionals true [ 1 2 ]) (lib.optionals false [ 1 ]) ];
  toList = [ (lib.toList 1) (lib.toList [ 1 ]) ];
  range = [ (lib.range 2 5) (lib.range 3 2) (lib.range 1 1) ];
  replicate = [ (lib.replicate 3 "a") (lib.replicate 0 1) ];
  reverseList = [ (lib.reverseList [ 1 2 3 ]) (lib.reverseList [ ]) ];
}

lib:
{
  sort = lib.sort (a: b: a < b) [ 3 1 2 ];
  sortOn = lib.sortOn builtins.stringLength [ "aaa" "b" "cc" "d" ];
  compareLists = [ (lib.compareLists lib.compare [ ] [ ]) (lib.compareLists lib.compare [ ] [ "a" ]) (lib.compareLists lib.compare [ "a" ] [ ]) (lib.compareLists lib.compare [ "a" "b" ] [ "a" "c" ]) (lib.compareLists lib.compare [ 1 2 ] [ 1 2 ]) ];
  naturalSort = [ (lib.naturalSort [ "disk11" "disk8" "disk100" "disk9" ]) (lib.naturalSort [ "10.46.133.149" "10.5.16.62" "10.54.16.25" ]) (lib.naturalSort [ "v0.2" "v0.15" "v0.0.9" ]) ];
}

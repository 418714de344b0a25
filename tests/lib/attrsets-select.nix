lib:
let s = { a = 1; b = 2; c = 3; }; in {
  attrVals = lib.attrVals [ "c" "a" ] s;
  attrValues = lib.attrValues s;
  getAttrs = lib.getAttrs [ "a" "b" ] s;
  catAttrs = lib.catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ];
  filter = lib.filterAttrs (n: v: n != "b" && v < 3) s;
  filterRec = lib.filterAttrsRecursive (n: v: v != null) { a = null; b = { c = null; d = 1; }; e = [ null ]; };
  collect = lib.collect builtins.isInt { a = 1; b = { c = 2; d = "x"; e = { f = 3; }; }; };
  collectSets = lib.collect (x: x ? outPath) { a = { outPath = "a"; }; b = { c = { outPath = "c"; }; }; };
  matchAttrs = [ (lib.matchAttrs { cpu = { bits = 64; }; } { cpu = { bits = 64; x = 1; }; os = "l"; }) (lib.matchAttrs { a = 1; } { a = 2; }) (lib.matchAttrs { a = 1; } { }) (lib.matchAttrs { } { a = 1; }) ];
}

lib:
{
  mapAttrs' = lib.mapAttrs' (n: v: lib.nameValuePair "foo_${n}" (v * 2)) { a = 1; b = 2; };
  toList = lib.mapAttrsToList (n: v: n + v) { x = "a"; y = "b"; };
  concatMapAttrs = lib.concatMapAttrs (n: v: { ${n} = v; "${n}2" = v + 1; }) { a = 1; b = 10; };
  concatMapOverride = lib.concatMapAttrs (n: v: { k = n; }) { a = 1; b = 2; };
  recursive = lib.mapAttrsRecursive (path: v: lib.concatStringsSep "." path + "=" + toString v) { a = { b = 1; c = { d = 2; }; }; e = 3; };
  recursiveCond = lib.mapAttrsRecursiveCond (as: !(as ? stop)) (path: v: if builtins.isAttrs v then "stopped" else v + 1) { a = { b = 1; }; c = { stop = true; }; };
  toListRec = lib.mapAttrsToListRecursive (path: v: [ path v ]) { a = { b = 1; }; c = 2; d = { }; };
  toListRecCond = lib.mapAttrsToListRecursiveCond (path: as: path != [ "a" ]) (path: v: path) { a = { b = 1; }; c = { d = 1; }; };
}

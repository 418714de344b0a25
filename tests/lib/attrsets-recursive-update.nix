lib:
{
  basic = lib.recursiveUpdate { a = { b = 1; c = 2; }; x = 1; } { a = { b = 3; d = 4; }; y = 2; };
  replaceNonSet = lib.recursiveUpdate { a = { b = 1; }; } { a = 5; };
  setOverValue = lib.recursiveUpdate { a = 5; } { a = { b = 1; }; };
  until = lib.recursiveUpdateUntil (path: l: r: path == [ "foo" ]) { foo.bar = 1; foo.baz = 2; bar = 3; } { foo.bar = 1; foo.quz = 2; baz = 4; };
  overrideExisting = lib.overrideExisting { a = 1; b = 2; } { b = 3; c = 4; };
  unionDisjoint = lib.attrsets.unionOfDisjoint { a = 1; } { b = 2; };
  unionCollision = builtins.tryEval (lib.attrsets.unionOfDisjoint { a = 1; b = 1; } { a = 2; }).a;
  unionOther = (lib.attrsets.unionOfDisjoint { a = 1; b = 1; } { a = 2; }).b;
}

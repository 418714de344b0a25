lib:
{
  zipNames = lib.zipAttrsWithNames [ "a" "c" ] (name: vs: vs) [ { a = 1; b = 2; } { a = 3; c = 4; } ];
  zipWith = lib.zipAttrsWith (name: vs: builtins.length vs) [ { a = 1; } { a = 2; b = 3; } ];
  zip = lib.zipAttrs [ { a = 1; b = 2; } { a = 3; } ];
  zipEmpty = lib.zipAttrs [ ];
  mergeList = lib.mergeAttrsList [ { a = 1; b = 1; } { b = 2; } { c = 3; } ];
  mergeListEmpty = lib.mergeAttrsList [ ];
}

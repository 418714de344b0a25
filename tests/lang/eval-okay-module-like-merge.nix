# A tiny module-system flavoured merge: lists concatenate, sets merge, scalars: last wins.
let
  merge = a: b: builtins.zipAttrsWith (n: vs:
    if builtins.all builtins.isList vs then builtins.concatLists vs
    else if builtins.all builtins.isAttrs vs then builtins.foldl' merge { } vs
    else builtins.elemAt vs (builtins.length vs - 1)) [ a b ];
in merge { packages = [ "a" ]; services.x.enable = true; name = "old"; } { packages = [ "b" ]; services.y.enable = false; name = "new"; }

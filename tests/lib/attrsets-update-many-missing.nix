lib:
{
  createsSets = lib.updateManyAttrsByPath [ { path = [ "a" "b" "c" ]; update = _: 1; } ] { x = 0; };
  missingUsed = builtins.tryEval (lib.updateManyAttrsByPath [ { path = [ "q" ]; update = old: old + 1; } ] { }).q;
  notASet = builtins.tryEval (lib.updateManyAttrsByPath [ { path = [ "a" "b" ]; update = _: 1; } ] { a = 1; }).a;
  rootOnly = lib.updateManyAttrsByPath [ { path = [ ]; update = old: old // { b = 2; }; } ] { a = 1; };
  replaceRoot = lib.updateManyAttrsByPath [ { path = [ "a" ]; update = _: 1; } { path = [ ]; update = _: "gone"; } ] { };
}

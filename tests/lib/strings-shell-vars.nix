lib:
{
  scalar = lib.toShellVar "foo" "some string";
  list = lib.toShellVar "arr" [ "a b" "c" ];
  assoc = lib.toShellVar "map" { "a b" = "x"; c = "d'e"; };
  number = lib.toShellVar "n" 12;
  drvLike = lib.toShellVar "p" { outPath = "/nix/store/x"; };
  bad = builtins.tryEval (lib.toShellVar "a-b" "x");
  vars = lib.toShellVars { A = "1"; B = [ "x" ]; };
}

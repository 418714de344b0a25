lib:
let
  pkg = { type = "derivation"; name = "hello-1.0"; outPath = "/nix/store/hello"; meta.mainProgram = "hi"; };
  split = { type = "derivation"; name = "tool-1.0"; outPath = "/out"; bin = { type = "derivation"; outPath = "/bin-out"; }; };
  unnamed = { type = "derivation"; pname = "foo"; name = "foo-1"; outPath = "/foo"; };
in {
  getExe = lib.getExe pkg;
  getExeBin = lib.getExe' split "tool";
  getExeGuess = lib.getExe unnamed;
  notDrv = builtins.tryEval (lib.getExe' { } "x");
  nested = builtins.tryEval (lib.getExe' pkg "a/b");
}

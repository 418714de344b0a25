lib:
let
  drv = { type = "derivation"; name = "x"; outputs = [ "out" "dev" ]; drvPath = "/d.drv"; outPath = "/o";
    out = { type = "derivation"; outputName = "out"; drvPath = "/d.drv"; outPath = "/o"; };
    dev = { type = "derivation"; outputName = "dev"; drvPath = "/d.drv"; outPath = "/o-dev"; }; };
  ext = lib.extendDerivation true { extra = 1; } drv;
  blocked = lib.extendDerivation false { } drv;
in {
  extra = [ ext.extra ext.dev.extra ext.out.extra ];
  paths = [ ext.outPath ext.dev.outPath ext.dev.outputName ext.dev.outputSpecified ];
  all = map (o: o.outPath) ext.all;
  blocked = builtins.tryEval blocked.outPath;
  blockedName = blocked.name;
}

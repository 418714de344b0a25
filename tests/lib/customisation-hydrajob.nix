lib:
let
  drv = { type = "derivation"; name = "x"; system = "s"; meta = { }; outputs = [ "out" "doc" ]; drvPath = "/d.drv"; outPath = "/o"; extra = 1;
    out = { outPath = "/o"; drvPath = "/d.drv"; }; doc = { outPath = "/o-doc"; drvPath = "/d.drv"; }; };
  job = lib.hydraJob drv;
in {
  names = builtins.attrNames job;
  doc = job.doc.outPath;
  outputName = job.outputName;
  null = lib.hydraJob null;
}

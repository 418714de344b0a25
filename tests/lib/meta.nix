lib:
let
  drv = { type = "derivation"; name = "hello-2.10"; meta = { description = "d"; }; };
  bare = { type = "derivation"; name = "tool-1.0"; };
in {
  addMetaAttrs = (lib.addMetaAttrs { a = 1; } drv).meta;
  addMetaBare = (lib.addMetaAttrs { a = 1; } bare).meta;
  dontDistribute = (lib.dontDistribute drv).meta;
  setName = (lib.setName "x" drv).name;
  updateName = (lib.updateName (n: n + "-y") drv).name;
  appendToName = (lib.appendToName "wrapped" drv).name;
  prios = map (f: (f bare).meta.priority) [ lib.lowPrio lib.hiPrio (lib.setPrio 3) ];
  defaultPriority = lib.meta.defaultPriority;
  set = lib.mapAttrs (n: v: v.meta or null) (lib.lowPrioSet { a = bare; b = 1; });
  mapDerivationAttrset = lib.mapDerivationAttrset (d: d.name) { a = bare; b = 1; };
  hiPrioSet = (lib.hiPrioSet { a = bare; }).a.meta;
}

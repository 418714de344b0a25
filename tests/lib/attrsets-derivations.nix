lib:
let
  pkg = { type = "derivation"; name = "hello-2.1"; out = { type = "derivation"; n = "out"; }; bin = { type = "derivation"; n = "bin"; }; dev = { type = "derivation"; n = "dev"; }; };
  specified = pkg // { outputSpecified = true; };
  plain = { type = "derivation"; n = "plain"; };
in {
  isDerivation = map lib.isDerivation [ pkg { } 1 { type = "x"; } ];
  getBin = (lib.getBin pkg).n;
  getLib = (lib.getLib pkg).n;
  getDev = (lib.getDev pkg).n;
  getMan = (lib.getMan plain).n;
  specified = (lib.getBin specified).name;
  getOutput = (lib.getOutput "dev" pkg).n;
  getInclude = (lib.attrsets.getInclude pkg).n;
  getStatic = (lib.attrsets.getStatic pkg).n;
  firstOutput = (lib.getFirstOutput [ "doc" "bin" ] pkg).n;
  chooseDev = map (p: p.n) (lib.chooseDevOutputs [ pkg plain ]);
  recurse = lib.recurseIntoAttrs { a = 1; };
  dontRecurse = lib.dontRecurseIntoAttrs { a = 1; };
}

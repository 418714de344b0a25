lib:
let p = lib.generators.toPretty { }; in {
  nestedMultiline = p { a = [ "x\ny" { b = "1\n2\n"; } ]; };
  emptyLines = p "\n\n";
  onlyNewline = p "\n";
  empty = p "";
  path = p /some/path;
  negativeFloat = p (-1.5);
  bigList = p (lib.range 1 3);
  oneLineNested = lib.generators.toPretty { multiline = false; } [ [ 1 ] { a = { b = "x"; }; } ];
  withDerivationAttr = p { pkg = { type = "derivation"; name = "p-1"; outPath = "/x"; }; };
}

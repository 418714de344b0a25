lib:
let
  base = self: { a = 1; b = self.a + 1; };
  over = final: prev: { a = 10; c = final.b * 2; };
  over2 = final: prev: { c = prev.c + 1; };
  ext = lib.makeExtensible base;
in {
  fix = (lib.fix base).b;
  fix' = builtins.attrNames (lib.fix' base);
  unfix = ((lib.fix' base).__unfix__ { a = 5; }).b;
  converge = lib.converge (x: if x > 10 then x else x * 2) 1;
  extends = removeAttrs (lib.fix (lib.extends over base)) [ ];
  compose = lib.fix (lib.extends (lib.composeExtensions over over2) base);
  composeMany = lib.fix (lib.extends (lib.composeManyExtensions [ over over2 over2 ]) base);
  composeNone = lib.fix (lib.extends (lib.composeManyExtensions [ ]) base);
  extensible = { inherit (ext) a b; };
  extended = let e = ext.extend over; in { inherit (e) a b c; };
  twice = let e = (ext.extend over).extend over2; in { inherit (e) a b c; };
  custom = let e = lib.makeExtensibleWithCustomName "grow" base; in (e.grow over).c;
  toExtension = [
    (lib.fix (lib.extends (lib.toExtension { a = 3; }) base)).b
    (lib.fix (lib.extends (lib.toExtension (prev: { a = prev.a + 5; })) base)).b
    (lib.fix (lib.extends (lib.toExtension (final: prev: { a = prev.a + 7; })) base)).b
  ];
}

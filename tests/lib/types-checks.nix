lib:
let t = lib.types;
  vals = { i = 1; n = -3; big = 70000; f = 1.5; s = "abc"; e = ""; ws = " \n"; nl = "a\nb"; nlt = "ab\n"; b = true; l = [ 1 ]; el = [ ]; a = { x = 1; }; ea = { }; p = /tmp; ps = "/tmp"; rs = "rel"; st = "${builtins.storeDir}/abc-x"; nu = null; fn = x: x; drv = { type = "derivation"; name = "d"; outPath = "/x"; }; };
  c = ty: builtins.mapAttrs (_: v: ty.check v) vals;
in builtins.mapAttrs (_: c) {
  inherit (t) raw anything bool int float number str nonEmptyStr singleLineStr lines path pathInStore package port attrs externalPath;
  b15 = t.ints.between 1 5; u8 = t.ints.u8; s8 = t.ints.s8; un = t.ints.unsigned; pos = t.ints.positive;
  nb = t.numbers.between 1 2.5; sm = t.strMatching "a.*"; en = t.enum [ "abc" 1 ]; nli = t.nullOr t.int; lo = t.listOf t.int; ne = t.nonEmptyListOf t.int;
  ao = t.attrsOf t.int; ei = t.either t.int t.str; co = t.coercedTo t.int toString t.str; ft = t.functionTo t.int; sub = t.submodule { }; pe = t.passwdEntry t.str;
}

lib:
let t = lib.types; d = ty: { inherit (ty) name description descriptionClass; f = ty.functor.name; e = ty.emptyValue; n = builtins.attrNames ty.nestedTypes; };
in builtins.mapAttrs (_: d) {
  inherit (t) raw anything unspecified bool boolByOr int float number str nonEmptyStr singleLineStr lines commas envVar path pathInStore package port attrs optionType deferredModule shellPackage externalPath luaInline;
  between = t.ints.between 1 5; unsigned = t.ints.unsigned; positive = t.ints.positive; u8 = t.ints.u8; u16 = t.ints.u16; u32 = t.ints.u32; s8 = t.ints.s8; s16 = t.ints.s16; s32 = t.ints.s32;
  nb = t.numbers.between 1 2.5; nn = t.numbers.nonnegative; np = t.numbers.positive;
  sm = t.strMatching "a.*"; ss = t.separatedString ":"; es = t.separatedString ""; en = t.enum [ "a" 1 true ]; en1 = t.enum [ "a" ]; en0 = t.enum [ ];
  nl = t.nullOr t.int; lo = t.listOf t.int; ne = t.nonEmptyListOf t.str; ao = t.attrsOf t.int; lao = t.lazyAttrsOf t.int;
  aw = t.attrsWith { elemType = t.int; placeholder = "x"; }; un = t.uniq t.int; uq = t.unique { message = "m"; } t.int;
  ei = t.either t.int t.str; oo = t.oneOf [ t.int t.str t.bool ]; co = t.coercedTo t.int toString t.str; ft = t.functionTo t.int;
  ac = t.addCheck t.int (x: x > 1); sub = t.submodule { }; sw = t.submoduleWith { modules = [ ]; description = "foo"; };
  pw = t.pathWith { inStore = true; absolute = true; }; lol = t.listOf (t.listOf t.int); los = t.listOf (t.submodule { });
  ao2 = t.attrsOf (t.nullOr (t.attrsOf t.str)); nlo = t.nullOr (t.listOf t.str); eo = t.either (t.listOf t.int) (t.attrsOf t.str);
  pe = t.passwdEntry t.str; eu = t.either t.ints.unsigned t.str; fl = t.functionTo (t.listOf t.str);
}

lib:
let t = lib.types;
  m = a: b: let r = a.typeMerge b.functor; in if r == null then null else r.description;
in {
  intint = m t.int t.int;
  intstr = m t.int t.str;
  lists = m (t.listOf t.int) (t.listOf t.int);
  listsBad = m (t.listOf t.int) (t.listOf t.str);
  enums = m (t.enum [ "a" "b" ]) (t.enum [ "b" "c" ]);
  sep = m t.lines t.lines;
  sepBad = m t.lines t.commas;
  either = m (t.either t.int t.str) (t.either t.int t.str);
  attrs = m (t.attrsOf t.int) (t.attrsOf t.int);
  lazyVsStrict = m (t.attrsOf t.int) (t.lazyAttrsOf t.int);
  nullOr = m (t.nullOr t.str) (t.nullOr t.str);
  subs = m (t.submodule { }) (t.submodule { });
  sm = m (t.strMatching "a") (t.strMatching "a");
  smBad = m (t.strMatching "a") (t.strMatching "b");
  mergeTypes = (t.mergeTypes t.str t.str).name;
  payloads = { e = (t.enum [ 1 ]).functor.payload; s = t.lines.functor.payload; p = t.path.functor.payload; sm = (t.strMatching "x").functor.payload; };
  isT = [ (t.isOptionType t.int) (t.isOptionType { }) (t.isType "option-type" t.str) ];
}

lib:
let
  f = { a, b ? 2 }: { sum = a + b; };
  o = lib.makeOverridable f { a = 1; };
  g = lib.makeOverridable ({ x }: y: x + y) { x = 1; };
in {
  sum = o.sum;
  override = (o.override { b = 10; }).sum;
  overrideFn = (o.override (old: { a = old.a * 100; })).sum;
  chained = ((o.override { a = 5; }).override { b = 5; }).sum;
  args = lib.functionArgs o.override;
  names = builtins.attrNames o;
  fnResult = g 2;
  fnOverride = (g.override { x = 10; }) 2;
  scalar = lib.makeOverridable ({ n }: n * 2) { n = 4; };
  mirrored = lib.functionArgs (lib.makeOverridable f);
}

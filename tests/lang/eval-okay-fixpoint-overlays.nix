# The fixpoint/overlay pattern that configuration code leans on.
let
  fix = f: let x = f x; in x;
  extends = overlay: f: self: let super = f self; in super // overlay self super;
  base = self: { a = 1; b = self.a + 1; };
  ov = self: super: { a = super.a * 10; c = self.b; };
in fix (extends ov base)

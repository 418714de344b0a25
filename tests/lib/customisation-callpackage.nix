lib:
let
  auto = { a = 1; b = 2; c = 3; };
  callPackage = lib.callPackageWith auto;
in {
  simple = callPackage ({ a, b }: a + b) { };
  explicit = callPackage ({ a, b }: a + b) { b = 10; };
  defaults = callPackage ({ a, z ? 5 }: a + z) { };
  attrs = (callPackage ({ a, c }: { value = a * c; }) { }).value;
  override = ((callPackage ({ a, c }: { value = a * c; }) { }).override { c = 7; }).value;
  fromFile = callPackage ./fixtures/pkg.nix { };
  packages = lib.mapAttrs (n: v: v.v) (lib.callPackagesWith auto ({ a, b }: { one = { v = a; }; two = { v = b; }; }) { });
  packagesOverride = ((lib.callPackagesWith auto ({ a, b }: { one = { v = a; }; }) { }).one.override { a = 9; }).v;
  single = builtins.tryEval (lib.callPackagesWith auto ({ a }: { type = "derivation"; name = "x"; }) { });
}

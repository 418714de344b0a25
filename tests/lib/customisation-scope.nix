lib:
let
  scope = lib.makeScope (extra: lib.callPackageWith ({ base = 1; } // extra)) (self: {
    a = self.callPackage ({ base }: base + 1) { };
    b = self.callPackage ({ a }: a * 10) { };
  });
  changed = scope.overrideScope (final: prev: { a = 100; });
in {
  a = scope.a;
  b = scope.b;
  names = builtins.attrNames scope;
  overridden = [ changed.a changed.b ];
  nested = (scope.newScope { extra = 5; }) ({ extra, b }: extra + b) { };
  packages = builtins.attrNames (scope.packages scope);
}

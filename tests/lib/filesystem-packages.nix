lib:
let
  callPackage = lib.callPackageWith { greeting = "hi"; };
  plain = lib.packagesFromDirectoryRecursive { inherit callPackage; directory = ./fixtures/packages; };
  scoped = lib.packagesFromDirectoryRecursive {
    inherit callPackage;
    newScope = extra: lib.callPackageWith ({ greeting = "hey"; } // extra);
    directory = ./fixtures/packages;
  };
  strip = v: if builtins.isAttrs v then lib.mapAttrs (n: strip) (removeAttrs v [ "override" "overrideDerivation" "callPackage" "newScope" "overrideScope" "packages" ]) else v;
in {
  plain = strip plain;
  scoped = strip scoped;
}

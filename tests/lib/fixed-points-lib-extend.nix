lib:
let
  extended = lib.extend (final: prev: { myHelper = x: final.toUpper x; trivial = prev.trivial // { marker = true; }; });
in {
  helper = extended.myHelper "abc";
  marker = extended.trivial.marker;
  stillWorks = extended.concatStringsSep "," [ "a" "b" ];
  original = lib ? myHelper;
}

lib:
{
  nvp = lib.nameValuePair "n" 1;
  genAttrs = lib.genAttrs [ "x" "y" ] (n: "v-${n}");
  genAttrs' = lib.genAttrs' [ 1 2 ] (i: lib.nameValuePair "k${toString i}" (i * i));
  optionalAttrs = [ (lib.optionalAttrs true { a = 1; }) (lib.optionalAttrs false { a = 1; }) ];
  cartesian = lib.cartesianProduct { a = [ 1 2 ]; b = [ "x" "y" ]; };
  cartesianEmpty = [ (lib.cartesianProduct { }) (lib.cartesianProduct { a = [ ]; b = [ 1 ]; }) ];
  mapCartesian = lib.mapCartesianProduct ({ a, b }: "${toString a}${b}") { a = [ 1 2 ]; b = [ "x" ]; };
  attrsToList = lib.attrsToList { b = 2; a = 1; };
  listToAttrs = lib.listToAttrs [ (lib.nameValuePair "a" 1) (lib.nameValuePair "a" 2) ];
}

lib:
{
  min = [ (lib.min 1 2) (lib.min 2 1) (lib.min "a" "b") ];
  max = [ (lib.max 1 2) (lib.max (-3) (-4)) ];
  mod = [ (lib.mod 11 10) (lib.mod 1 10) (lib.mod (-11) 10) (lib.mod 11 (-10)) (lib.mod 0 3) ];
  compare = [ (lib.compare 1 2) (lib.compare 2 1) (lib.compare "a" "a") ];
  split = lib.sort (a: b: lib.splitByAndCompare (lib.hasPrefix "x") lib.compare lib.compare a b < 0)
    [ "b" "xb" "a" "xa" "c" ];
  arith = [ (lib.add 1 2) (lib.sub 1 2) (lib.mul 3 4) (lib.div 7 2) (lib.lessThan 1 2) ];
}

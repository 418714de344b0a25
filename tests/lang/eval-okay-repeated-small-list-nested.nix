# A list of one or two items is stored in its value cell in Nix, so it prints
# as «repeated» where the same variable (the same cell) is met again, also
# from a nested set and after it was forced through another reference.
let
  t = builtins.tail [ 0 1 2 ];
  f = x: { inherit x; y = x; };
in
rec {
  a = [ 1 2 ];
  b = { c = a; d = t; };
  e = t;
  g = f [ 5 ];
  h = [ a t ];
}

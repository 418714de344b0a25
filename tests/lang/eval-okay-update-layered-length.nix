# `//` chains over a large set (layered in Strata): the number of names counts
# names the right sides share with the set below once, at any depth.
let
  base = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 100);
  one = base // { a1 = 0; };
  two = one // { new = 1; };
  three = two // { a2 = 5; new = 2; };
  four = three // { other = 3; a99 = 9; };
  five = four // { last = 4; };
in
map (s: builtins.length (builtins.attrNames s)) [ base one two three four five ]
++ [ (builtins.attrNames five == builtins.attrNames (base // { new = 0; other = 0; last = 0; })) (five.a2 + five.new + five.a99) ]

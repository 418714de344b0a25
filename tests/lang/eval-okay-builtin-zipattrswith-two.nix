# zipAttrsWith over two sets (merged in name order): names in either or
# both, interleaved, empty sides, a set made by `//`, and names first seen
# in a different order than their sorted one.
let
  zip = builtins.zipAttrsWith (name: values: { inherit name values; });
  big = builtins.listToAttrs (map (n: { name = "k${toString n}"; value = n; }) [ 9 3 7 1 5 ]);
in
[
  (zip [ { z = 1; b = 2; m = 3; } { a = 4; m = 5; y = 6; z = 7; } ])
  (zip [ { } { b = 1; } ])
  (zip [ { a = 1; } { } ])
  (zip [ { } { } ])
  (zip [ big (big // { k3 = "three"; k4 = 4; }) ])
  (zip [ { x = 1; } { x = 2; } ])
]

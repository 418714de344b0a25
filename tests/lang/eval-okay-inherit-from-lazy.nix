# inherit (e) does not force e unless the attribute is used.
let s = { inherit (throw "nope") a; b = 1; }; in s.b

let
  a = 1; b.c = 2; inherit (builtins) map; d = rec { e = 1; }; f = { g ? 1, ... }@h: g;
  s = "str ${toString a}"; i = ''ind ${s}''; p = ./x; hp = ~/y; sp = <nixpkgs>; u = http://example.org/x;
in with d; assert true; if a < 2 then [ (f {}) (a or 1) (d ? e) (-a) (!true) (a -> b) ] ++ [ ] else { } // { }

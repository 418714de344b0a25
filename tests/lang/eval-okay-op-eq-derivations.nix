# Derivations compare by outPath, other attributes ignored.
let
  mk = extra: derivation ({ name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; } // extra);
  a = mk {};
  c = mk { x = "y"; };
in [ (a == a) (a == a // { foo = "different"; }) (a == c) (a == { type = "derivation"; outPath = a.outPath; }) ]

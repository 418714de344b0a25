# zipAttrsWith's values are computed when their names are forced: a name
# whose function call throws is fine unforced; values come in the order of
# the sets (a set listed twice gives its value twice); the sets are forced
# when the call is, their values are not; a zip over a zip works.
let
  zip = builtins.zipAttrsWith (name: values: if name == "bad" then throw "not forced" else values);
  three = zip [ { a = 1; bad = 0; } { b = 2; } { a = 3; c = throw "values stay lazy"; } ];
  again = zip [ { x = 1; } { x = 2; } { x = 1; } ];
  nested = builtins.zipAttrsWith (name: values: builtins.length values) [ three (three // { d = 4; }) ];
  selfZip = let s = { p = 1; q = 2; }; in zip [ s s ];
in
{
  names = builtins.attrNames three;
  a = three.a;
  b = three.b;
  cCount = builtins.length three.c;
  inherit again nested selfZip;
  # Names only: the function (which always throws) is never called.
  unforced = builtins.length (builtins.attrNames (builtins.zipAttrsWith (n: v: throw "never") [ { u = 1; } { w = 2; } ]));
}

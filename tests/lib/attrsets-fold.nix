lib:
{
  foldlAttrs = lib.foldlAttrs (acc: name: value: acc ++ [ "${name}=${toString value}" ]) [ ] { b = 2; a = 1; };
  foldlSum = lib.foldlAttrs (acc: _: v: acc + v) 0 { x = 1; y = 2; z = 3; };
  foldAttrs = lib.foldAttrs (n: a: [ n ] ++ a) [ ] [ { a = 2; b = 7; } { a = 3; } { b = 1; } ];
  foldAttrsSum = lib.foldAttrs (x: y: x + y) 0 [ { a = 1; } { a = 2; b = 3; } ];
}

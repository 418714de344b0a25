lib:
{
  plist = lib.generators.toPlist { escape = true; } { a = [ 1 true "s" ]; b = { c = 1; d = null; e = false; }; "x<y" = "a&b"; _module = 1; };
  unescaped = lib.generators.toPlist { } { a = "<"; };
  scalar = lib.generators.toPlist { escape = true; } "x";
}

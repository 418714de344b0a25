lib:
{
  json = lib.generators.toJSON { } { a = [ 1 "x" null ]; b = true; };
  yaml = lib.generators.toYAML { } { a = 1; };
  toJSON = lib.strings.toJSON { x = 1; };
}

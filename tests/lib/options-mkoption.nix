lib:
let strip = o: removeAttrs o [ "type" "apply" ]; in
{
  plain = lib.mkOption { default = 1; description = "d"; example = 2; internal = true; visible = false; readOnly = true; };
  enable = strip (lib.mkEnableOption "foo");
  enableType = (lib.mkEnableOption "foo").type.name;
  pkg = strip (lib.mkPackageOption { hello = 1; } "hello" { });
  pkg2 = strip (lib.mkPackageOption { a.hello = 1; } [ "a" "hello" ] { nullable = true; example = "x"; extraDescription = "More."; });
  pkg3 = strip (lib.mkPackageOption { a.hello = 1; } "foo" { default = [ "a" "hello" ]; example = [ "a" "h" ]; });
  pkg4 = strip (lib.mkPackageOption { a.hello = 1; } "foo" { default = null; });
  sink = strip (lib.mkSinkUndeclaredOptions { });
}

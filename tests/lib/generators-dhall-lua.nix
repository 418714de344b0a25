lib:
{
  dhall = lib.generators.toDhall { } { a = [ 1 (-2) ]; b = true; c = "s"; d = { }; };
  lua = lib.generators.toLua { } { a = [ 1 "x" null ]; b = { c = true; }; d = [ ]; e = { }; f = lib.generators.mkLuaInline "foo()"; };
  luaOneLine = lib.generators.toLua { multiline = false; } { a = [ 1 2 ]; };
  luaBindings = lib.generators.toLua { asBindings = true; } { a = 1; "b.c" = { d = 2; }; };
  luaBad = builtins.tryEval (lib.generators.toLua { asBindings = true; } { "a b" = 1; });
  luaScalars = map (lib.generators.toLua { }) [ null 1 "s" true ];
  mkLuaInline = lib.mkLuaInline "x";
}

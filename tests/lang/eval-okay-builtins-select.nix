# `builtins.NAME` read directly from the base environment: still lazy where
# a selection is lazy, still the same values, and not used where `builtins`
# is shadowed.
let
  lazy = [ builtins.currentSystem builtins.length ];
  shadowed = let builtins = { length = _: "mine"; }; in builtins.length [ ];
  viaWith = with { builtins = { length = _: "with"; }; }; builtins.length [ 1 ];
  nested = builtins.builtins.length [ 1 2 ];
  path = builtins.langVersion;
in
{
  inherit shadowed viaWith nested;
  same = builtins.length == __length && builtins.elemAt [ 1 2 ] 1 == 2;
  lazyCount = builtins.length lazy;
  pathIsInt = builtins.isInt path;
  deep = builtins.mapAttrs (n: v: v + 1) { a = 1; };
  missing = builtins.tryEval (builtins.notABuiltin or "default");
}

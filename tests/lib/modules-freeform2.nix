lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { freeformType = types.attrsOf types.int; options.declared = mkOption { type = types.str; default = "d"; }; }
      { a = 1; b = lib.mkDefault 2; }
      { b = 3; }
    ];
  };
  r2 = lib.evalModules {
    modules = [ { freeformType = with types; lazyAttrsOf (either str (attrsOf str)); } { a.b = "c"; d = "e"; } { a.x = "y"; } ];
  };
in
{ c1 = r.config; c2 = r2.config; }

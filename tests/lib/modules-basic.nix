lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { options.a = mkOption { type = types.int; default = 1; }; options.b.c = mkOption { type = types.str; }; }
      { b.c = "x"; }
      ({ config, ... }: { options.d = mkOption { type = types.int; }; config.d = config.a + 10; })
    ];
  };
in
{ inherit (r) config; names = builtins.attrNames r; t = r._type; }

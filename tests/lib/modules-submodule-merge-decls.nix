lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { options.s = mkOption { type = types.submodule { options.a = mkOption { default = 1; }; }; default = { }; }; }
      { options.s = mkOption { type = types.submodule { options.b = mkOption { default = 2; }; }; }; }
      { options.s.c = mkOption { default = 3; }; }
      { s.a = 10; }
    ];
  };
in
{ inherit (r.config) s; decls = r.options.s.declarations; }

lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules { modules = [ { options.a = mkOption { type = types.listOf types.int; default = [ ]; }; config.a = [ 1 ]; } ]; };
  r2 = r.extendModules { modules = [ { a = [ 2 ]; } ]; };
  viaType = (lib.evalModules { modules = [ { options.s = mkOption { type = r.type; }; config.s.a = [ 3 ]; } ]; }).config.s;
  withArgs = lib.evalModules { modules = [ ({ extendModules, moduleType, ... }: { options.t = mkOption { default = moduleType.name; }; }) ]; };
in
{ a = r.config.a; b = r2.config.a; c = viaType; d = withArgs.config.t; prefix = (lib.evalModules { prefix = [ "p" ]; modules = [ { options.x = mkOption { }; } ]; }).options.x.loc; }

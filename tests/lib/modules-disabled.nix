lib:
let
  inherit (lib) mkOption types;
  m1 = { key = "m1"; options.x = mkOption { type = types.listOf types.int; default = [ ]; }; };
  m2 = { key = "m2"; x = [ 2 ]; imports = [ m3 ]; };
  m3 = { key = "m3"; x = [ 3 ]; };
  r = lib.evalModules { modules = [ m1 m2 { disabledModules = [ "m3" ]; x = [ 1 ]; } ]; };
  r2 = lib.evalModules { modules = [ m1 m2 { disabledModules = [ { key = "m2"; } ]; x = [ 1 ]; } ]; };
in
{ a = r.config.x; b = r2.config.x; g = r2.graph; }

lib:
let
  inherit (lib) mkOption types;
  a = { imports = [ b c ]; l = [ "a" ]; };
  b = { key = "b"; imports = [ c ]; l = [ "b" ]; };
  c = { key = "c"; l = [ "c" ]; };
  r = lib.evalModules { modules = [ a { options.l = mkOption { type = types.listOf types.str; }; } b { l = [ "top" ]; } ]; };
in
{ l = r.config.l; files = r.options.l.files; graph = r.graph; }

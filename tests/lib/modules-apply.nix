lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { options.a = mkOption { type = types.listOf types.int; default = [ 3 1 2 ]; apply = builtins.sort builtins.lessThan; }; }
      { a = [ 0 ]; }
      { options.b = mkOption { type = types.int; apply = x: x * 2; }; config.b = 4; }
    ];
  };
in
r.config

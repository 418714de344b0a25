lib:
let
  inherit (lib) mkOption types;
  bad = lib.evalModules { modules = [ { options.a = mkOption { default = 1; }; } { b = 2; } ]; };
  off = lib.evalModules { modules = [ { options.a = mkOption { default = 1; }; } { b = 2; _module.check = false; } ]; };
in
{ bad = (builtins.tryEval bad.config.a).success; off = off.config; badOpts = (builtins.tryEval bad.options).success; }

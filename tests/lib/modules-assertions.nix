lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { options.assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; internal = true; };
        options.warnings = mkOption { type = types.listOf types.str; default = [ ]; internal = true; }; }
      ({ config, ... }: { options.port = mkOption { type = types.port; default = 22; };
        config.assertions = [ { assertion = config.port != 22; message = "port must not be 22"; } ];
        config.warnings = lib.optional (config.port < 1024) "low port"; })
    ];
  };
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) r.config.assertions);
in
{ inherit failed; inherit (r.config) warnings; }

lib:
let
  inherit (lib) mkOption types mkIf mkMerge;
  r = lib.evalModules {
    modules = [
      ({ config, ... }: {
        options.enable = mkOption { type = types.bool; default = false; };
        options.list = mkOption { type = types.listOf types.str; default = [ ]; };
        options.name = mkOption { type = types.str; default = "none"; };
        config = mkIf config.enable (mkMerge [
          { list = [ "a" ]; }
          (mkIf (config.name == "n") { list = [ "b" ]; })
          { name = lib.mkForce "n"; }
        ]);
      })
      { enable = true; list = lib.mkBefore [ "first" ]; }
      { list = lib.mkAfter [ "last" ]; }
    ];
  };
in
r.config

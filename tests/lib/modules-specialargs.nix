lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    specialArgs = { foo = "special"; };
    modules = [
      ({ foo, bar, ... }: { options.x = mkOption { type = types.str; }; config.x = foo + bar; })
      { _module.args.bar = "-arg"; }
      ({ specialArgs, _class, _prefix, options, ... }: { options.y = mkOption { default = [ (builtins.attrNames specialArgs) _class _prefix (builtins.attrNames options) ]; }; })
    ];
  };
in
{ inherit (r.config) x y; sa = r._module.specialArgs; }

# One module function evaluated for several machines: what its `options`
# read decides whether the machines may share them (Strata shares those
# that read only `lib`; see `shared_module_options`): the values are the
# same either way.
lib:
let
  inherit (lib) mkOption types;
  byLib =
    { config, lib, ... }:
    let
      inherit (lib) mkOption types;
      cfg = config.a;
    in
    {
      options.a = {
        enable = mkOption { type = types.bool; default = false; };
        port = mkOption { type = types.port; default = 80; };
      };
      config.b = if cfg.enable then cfg.port else 0;
    };
  byConfig =
    { config, lib, ... }:
    let
      inherit (lib) mkOption;
      fallback = config.c;
    in
    {
      options.d = mkOption { default = fallback; };
      options.c = mkOption { default = 1; };
    };
  byArgument =
    { name ? "none", lib, ... }:
    {
      options.e = lib.mkOption { default = name; };
    };
  machine =
    extra:
    (lib.evalModules {
      modules = [
        byLib
        byConfig
        byArgument
        { options.b = mkOption { type = types.int; default = -1; }; }
        extra
      ];
    }).config;
  one = machine { a.enable = true; c = 5; _module.args.name = "one"; };
  two = machine { a.port = 8080; _module.args.name = "two"; };
  three = machine { a = { enable = true; port = 443; }; d = 7; _module.args.name = "three"; };
in
{
  one = { inherit (one) a b c d e; };
  two = { inherit (two) a b c d e; };
  three = { inherit (three) a b c d e; };
}

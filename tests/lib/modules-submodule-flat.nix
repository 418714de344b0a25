# Submodule values whose modules only declare options and define plain sets
# (evaluated by Strata without walking the option tree; see
# `flat_evaluation` in crates/eval/src/builtins/modules.rs), next to ones
# that are not: the same values either way.
lib:
let
  inherit (lib) mkOption types;
  lines = types.submodule [
    { options.a = mkOption { type = types.lines; }; }
    {
      options.a = mkOption { default = "d"; };
      options.n = mkOption { type = types.listOf types.int; default = [ 0 ]; };
    }
  ];
  named = types.submodule (
    { name, lib, ... }:
    let
      prefix = "cfg-";
    in
    {
      options.x = mkOption { type = types.enum [ name "other" ]; default = name; };
      options.y = mkOption { type = types.str; };
      options.l = mkOption { type = types.listOf types.str; default = [ ]; };
      config.y = lib.mkDefault "${prefix}${name}";
      config.l = [ "from-module" ];
    }
  );
  int = types.submodule { options.q = mkOption { type = types.int; }; };
  r = lib.evalModules {
    modules = [
      {
        options.lines = mkOption { type = types.attrsOf lines; };
        options.named = mkOption { type = types.attrsOf named; };
        options.list = mkOption { type = types.listOf int; };
        options.maybe = mkOption { type = types.nullOr int; };
        options.bad = mkOption { type = types.attrsOf int; };
        config.lines.x = { a = "from-first"; n = [ 1 ]; };
        config.lines.y = lib.mkIf true { n = lib.mkForce [ 9 ]; };
        config.named.a = { l = [ "a1" ]; };
        config.named.b = { y = "explicit"; x = lib.mkIf true "other"; };
        config.named.c = { _module.args.name = lib.mkForce "renamed"; };
        config.list = [ { q = 1; } ];
        config.maybe = { q = 5; };
        config.bad.wrong = { q = "string"; };
      }
      {
        lines.x = { a = lib.mkBefore "from-second"; n = [ 2 3 ]; };
        lines.y.a = lib.mkDefault "yy";
        lines.z = lib.mkMerge [ { a = "z1"; } { a = lib.mkAfter "z2"; } ];
        named.a.l = lib.mkBefore [ "a0" ];
        list = [ { q = 2; } ];
      }
    ];
  };
in
{
  inherit (r.config) lines named list maybe;
  bad = builtins.tryEval (builtins.deepSeq r.config.bad r.config.bad);
}

# The merges Strata makes natively (`checkedMerge`'s `v2`, `either` and
# `oneOf`, `attrsOf`, `listOf`, `submodule`, `mergeEqualOption`,
# `mergeDefinitions`) against nixpkgs' Nix versions: values, priorities,
# `mkIf`, shorthand and function submodule definitions, and how a type's
# functions print.
lib:
let
  inherit (lib) mkOption mkIf mkForce mkDefault mkMerge types;
  common = r: { inherit (r) headError value; };
  eval =
    modules:
    (lib.evalModules { inherit modules; }).config;
  mixed = types.oneOf [
    types.str
    types.int
    types.bool
    (types.listOf types.str)
  ];
  sub = types.submodule (
    { name, ... }:
    {
      options.label = mkOption { type = types.str; default = name; };
      options.port = mkOption { type = types.either types.port (types.enum [ "auto" ]); default = "auto"; };
      options.tags = mkOption { type = types.listOf types.str; default = [ ]; };
    }
  );
in
{
  values = eval [
    {
      options.m = mkOption { type = types.attrsOf mixed; };
      options.e = mkOption { type = types.either types.int types.str; };
      options.n = mkOption { type = types.nullOr (types.either types.int (types.listOf types.int)); };
      options.s = mkOption { type = types.attrsOf sub; default = { }; };
      options.l = mkOption { type = types.listOf sub; default = [ ]; };
      options.a = mkOption { type = types.attrsOf (types.attrsOf types.int); };
      options.u = mkOption { type = types.attrsOf types.str; };
      options.z = mkOption { type = types.attrsOf (types.nullOr types.port); };
      options.t = mkOption { type = types.lines; };
      options.c = mkOption { type = types.commas; default = "d"; };
    }
    {
      m = {
        a = "text";
        b = 3;
        c = true;
        d = [ "x" ];
        e = mkIf false "dropped";
        f = mkDefault "low";
      };
      e = "word";
      n = [ 1 ];
      s.web = { port = 80; };
      s.db = { config, ... }: { tags = [ config.label ]; };
      s.cache = mkIf false { };
      l = [ { label = "first"; } ];
      a.x.y = 1;
      a.z = mkIf true { w = 2; };
      u.k = "one";
      z = { a = null; b = 8080; c = null; };
      t = "first";
      c = mkIf true "e";
    }
    {
      m.d = [ "y" ];
      m.f = "high";
      s.web.tags = [ "front" ];
      s.web.label = mkForce "www";
      l = [ ({ name, ... }: { tags = [ "second" ]; }) ];
      a.x.v = 3;
      u.k = "one";
      z.c = null;
      t = mkDefault "dropped";
    }
    { t = "second"; c = "f"; }
  ];
  # Each type's functions print as Nix prints its lambdas. (Not the checks
  # of `either` and `submodule`: newer nixpkgs makes them sets.)
  shapes = {
    eitherV2 = (types.either types.int types.str).merge.v2;
    attrsV2 = (types.attrsOf types.int).merge.v2;
    listV2 = (types.listOf types.int).merge.v2;
    strMerge = types.str.merge;
    linesMerge = types.lines.merge;
    portCheck = types.port.check;
    nullOrMerge = (types.nullOr types.int).merge;
    mergeDefinitions = lib.modules.mergeDefinitions;
  };
  # `v2` called directly, as a type of a user's may call it (only the
  # fields every nixpkgs has).
  direct = {
    either = common (
      (types.either types.int types.str).merge.v2 {
        loc = [ "o" ];
        defs = [ { file = "f"; value = "s"; } ];
      }
    );
    attrs = common (
      (types.attrsOf types.int).merge.v2 {
        loc = [ "o" ];
        defs = [ { file = "f"; value = { a = 1; }; } ];
      }
    );
    rejected = ((types.attrsOf types.int).merge.v2 {
      loc = [ "o" ];
      defs = [ { file = "f"; value = 1; } ];
    }).headError != null;
  };
}

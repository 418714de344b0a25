# `apply` gets the merged value unevaluated: a function that ignores it
# evaluates no definition (not even to look for `mkOrder`), at the top
# level and in submodule values; one that uses it gets the merge.
lib:
let
  inherit (lib) mkOption types;
in
(lib.evalModules {
  modules = [
    {
      options.a = mkOption { type = types.int; apply = _: 5; };
      options.b = mkOption { type = types.int; apply = x: x + 1; default = 1; };
      options.c = mkOption { type = types.listOf types.int; apply = builtins.length; };
      options.s = mkOption {
        type = types.attrsOf (types.submodule {
          options.p = mkOption { type = types.str; apply = x: "<${x}>"; };
          options.q = mkOption { type = types.int; apply = _: 0; };
        });
      };
    }
    {
      a = throw "the definition of a is not evaluated";
      c = [ 1 2 ];
      s.x.p = "v";
      s.x.q = throw "the definition of q is not evaluated";
    }
    { c = lib.mkAfter [ 3 ]; }
  ];
}).config

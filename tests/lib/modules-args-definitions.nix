# Module arguments from `_module.args` (priorities, properties, a `_module`
# declared elsewhere) and undeclared definitions in nested option sets.
lib:
let
  inherit (lib) mkOption types;
  eval = modules: lib.evalModules { inherit modules; };
  show = modules: (eval ([ { options.out = mkOption { type = types.anything; }; } ] ++ modules)).config.out;
  tried = modules: builtins.tryEval (builtins.deepSeq (eval modules).config true);
  use = { foo, ... }: { out = foo; };
in
{
  plainOverDefault = show [ use { _module.args.foo = lib.mkDefault 1; } { _module.args.foo = 2; } ];
  defaultOverOptionDefault = show [ use { _module.args.foo = lib.mkOptionDefault 1; } { _module.args.foo = lib.mkDefault 2; } ];
  forced = show [ use { _module.args.foo = 1; } { _module.args.foo = lib.mkForce 3; } ];
  conditionalArgs = show [ use { _module.args = lib.mkIf true { foo = 4; }; } ];
  conditionalFalse = show [ use { _module.args = lib.mkIf false { foo = 4; }; } { _module.args.foo = 5; } ];
  mergedModule = show [ use { _module = lib.mkMerge [ { args.foo = 6; } ]; } ];
  ordered = show [ use { _module.args.foo = lib.mkOrder 10 7; } ];
  overrideOfCondition = show [ use { _module.args.foo = lib.mkForce (lib.mkIf true 8); } ];
  functionValue = show [ ({ foo, ... }: { out = foo 2; }) { _module.args.foo = x: x * 10; } ];
  setValue = show [ use { _module.args.foo = { _type = "something"; a = 1; }; } ];
  declaredElsewhere = show [
    use
    { options._module.extra = mkOption { default = 1; }; }
    { _module.args.foo = 9; }
  ];
  twiceSamePriority = (tried [ use { options.out = mkOption { }; } { _module.args.foo = 1; } { _module.args.foo = 2; } ]).success;
  twiceEqual = (tried [ use { options.out = mkOption { }; } { _module.args.foo = 1; } { _module.args.foo = 1; } ]).success;
  submoduleName = (eval [
    {
      options.s = mkOption {
        type = types.attrsOf (types.submodule ({ name, ... }: { options.n = mkOption { default = name; }; }));
      };
    }
    { s.a = { }; s.b = { _module.args.name = lib.mkForce "forced"; }; }
  ]).config.s;
  submoduleArgs = (eval [
    {
      options.s = mkOption {
        type = types.submodule ({ extra, ... }: { options.n = mkOption { default = extra; }; });
      };
    }
    { s._module.args.extra = "from a definition"; }
  ]).config.s.n;
  submoduleUndeclared = (tried [
    { options.s = mkOption { type = types.submodule { options.n = mkOption { default = 1; }; }; }; }
    { s._module.bogus = 1; }
  ]).success;
  nestedDeclared = (eval [
    { options.a.b = mkOption { default = 1; }; options.a.c.d = mkOption { default = 2; }; }
    { a.b = 3; a.c.d = 4; }
  ]).config.a;
  nestedUndeclared = (tried [
    { options.a.b = mkOption { default = 1; }; }
    { a.x = 3; }
  ]).success;
  nestedUndeclaredDeeper = (tried [
    { options.a.b.c = mkOption { default = 1; }; }
    { a.b.x = 3; }
  ]).success;
  nestedCheckOff = (eval [
    { options.a.b = mkOption { default = 1; }; }
    { a.x = 3; _module.check = false; }
  ]).config.a;
}

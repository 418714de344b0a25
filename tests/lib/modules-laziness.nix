# What the module system leaves unevaluated: definitions nobody reads,
# the definitions of an option whose declaration alone is read, a
# condition-guarded definition that reads another option's declaration.
lib:
let
  inherit (lib) mkOption types;
  eval = lib.evalModules {
    modules = [
      {
        options.a = mkOption { type = types.int; default = 1; };
        options.b = mkOption { type = types.int; };
        options.unused = mkOption { type = types.int; };
        options.nested.c = mkOption { type = types.str; default = "c"; };
        config.b = 2;
      }
      ({ options, ... }: {
        config.a = lib.mkIf (options.b.type.name == "int") 5;
      })
      { unused = throw "never forced"; }
      { nested.c = lib.mkDefault (throw "never forced either"); }
      ({ config, options, ... }: {
        options.subs = mkOption {
          type = types.attrsOf (types.submodule ({ name, ... }: {
            options.x = mkOption { type = types.int; default = 0; };
            options.y = mkOption { type = types.str; default = name; };
          }));
          default = { };
        };
        config.subs.one.x = config.a;
        config.subs.two = lib.mkIf (options.subs.type.name == "attrsOf") { x = 2; };
      })
    ];
  };
in
{
  inherit (eval.config) a b subs;
  aType = eval.options.a.type.description;
  bFiles = builtins.length eval.options.b.files;
  unusedDeclarations = builtins.length eval.options.unused.declarations;
  nestedDeclared = eval.options.nested.c.declarations != [ ];
  subOptions = builtins.attrNames (eval.options.subs.type.getSubOptions [ ]);
}

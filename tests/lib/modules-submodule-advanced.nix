lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { options.users = mkOption { type = types.attrsOf (types.submodule ({ name, ... }: { options.home = mkOption { type = types.str; default = "/home/${name}"; }; options.groups = mkOption { type = types.listOf types.str; default = [ ]; }; })); default = { }; }; }
      { users.alice.groups = [ "wheel" ]; }
      { users = lib.mkIf true { alice.groups = [ "users" ]; bob = { }; }; }
      { users.carol = lib.mkIf false { }; }
      { options.list = mkOption { type = types.listOf (types.submodule { options.v = mkOption { type = types.int; }; }); }; }
      { list = [ { v = 1; } ({ ... }: { v = 2; }) ]; }
      { options.sw = mkOption { type = types.submoduleWith { modules = [ ({ foo, ... }: { options.f = mkOption { default = foo; }; }) ]; specialArgs.foo = "bar"; }; default = { }; }; }
      { options.nested = mkOption { type = types.attrsOf (types.attrsOf (types.submodule { options.x = mkOption { default = 0; }; })); default = { }; }; config.nested.a.b.x = 1; }
      { options.ff = mkOption { type = types.submodule { freeformType = types.attrsOf types.str; options.fixed = mkOption { type = types.str; default = "f"; }; }; default = { }; }; config.ff.extra = "e"; }
    ];
  };
in
{ inherit (r.config) users list sw nested ff; sub = builtins.attrNames (r.options.users.type.getSubOptions [ "users" ]); subLoc = (r.options.users.type.getSubOptions [ "users" ]).home.loc; }

# An option's value and its record agree however they are reached: the
# config first, then the record of the same option (and the other way
# round), with defaults, priorities, apply, a false mkIf and submodules.
lib:
let
  inherit (lib) mkOption types;
  eval = lib.evalModules {
    modules = [
      {
        options.port = mkOption { type = types.port; default = 80; };
        options.name = mkOption { type = types.str; default = "x"; apply = s: "<${s}>"; };
        options.tags = mkOption { type = types.listOf types.str; default = [ ]; };
        options.flag = mkOption { type = types.bool; default = false; };
        options.subs = mkOption {
          type = types.attrsOf (types.submodule { options.v = mkOption { type = types.int; default = 1; }; });
          default = { };
        };
      }
      { port = lib.mkDefault 8080; name = "y"; tags = [ "a" ]; subs.one.v = 2; }
      { tags = lib.mkIf false [ "never" ]; flag = lib.mkForce true; }
      { tags = lib.mkBefore [ "first" ]; subs.two = { }; }
    ];
  };
  inherit (eval) config options;
  record = o: {
    inherit (o) value isDefined highestPrio files definitions;
    loc = o.loc;
    text = "${o}";
  };
in
{
  # config first, then the records
  configFirst = [ config.port config.name config.tags config.flag config.subs ];
  records = map record [ options.port options.name options.tags options.flag options.subs ];
  # a record first, then its value through config
  sub = (options.subs.type.getSubOptions [ "subs" "one" ]).v.type.name;
  recordThenConfig =
    let e = lib.evalModules { modules = [ { options.a = mkOption { type = types.int; default = 3; }; } { a = 4; } ]; };
    in [ e.options.a.highestPrio e.options.a.value e.config.a ];
}

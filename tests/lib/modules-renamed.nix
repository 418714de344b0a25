lib:
let
  inherit (lib) mkOption types;
  base = {
    options.new = mkOption { type = types.int; default = 0; };
    options.warnings = mkOption { type = types.listOf types.str; default = [ ]; };
    options.assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; };
    options.other = mkOption { type = types.str; default = "d"; };
  };
  r = lib.evalModules { modules = [ base (lib.mkRenamedOptionModule [ "old" ] [ "new" ]) { old = lib.mkDefault 5; } ]; };
  a = lib.evalModules { modules = [ base (lib.mkAliasOptionModule [ "alias" ] [ "other" ]) { alias = "via alias"; } ]; };
  rm = lib.evalModules { modules = [ base (lib.mkRemovedOptionModule [ "gone" ] "Use new instead.") { gone = 1; } ]; };
  rm2 = lib.evalModules { modules = [ base (lib.mkRemovedOptionModule [ "gone" ] "Use new instead.") ]; };
  ch = lib.evalModules { modules = [ base (lib.mkChangedOptionModule [ "oldStr" ] [ "new" ] (config: builtins.stringLength config.oldStr)) { oldStr = "abcd"; } ]; };
in
{
  renamed = { inherit (r.config) new warnings; prio = r.options.new.highestPrio; };
  alias = { inherit (a.config) other warnings; };
  removed = map (x: x.assertion) rm.config.assertions;
  removedMsg = map (x: x.message) rm.config.assertions;
  removedOk = map (x: x.assertion) rm2.config.assertions;
  changed = { inherit (ch.config) new warnings; };
}

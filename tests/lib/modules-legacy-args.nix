# evalModules' deprecated `args` and `check` arguments: modules of their own
# after the given ones (in `graph` too), added again by `extendModules`.
lib:
let
  r = lib.evalModules {
    check = false;
    args = { x = 1; };
    modules = [
      ({ x, ... }: { options.a = lib.mkOption { default = x; }; })
      { b = 1; }
    ];
  };
  e = r.extendModules { modules = [ { c = 2; } ]; };
in
{
  a = r.config.a;
  graph = map (n: n.key) r.graph;
  extendedGraph = map (n: n.key) e.graph;
  extendedArgs = (builtins.tryEval e.config.a).success;
  check = r.config._module.check or "hidden";
  moduleCheck = r._module.check;
}

# A tiny module system: for six hosts, 500 modules declare and define options, with imports, priorities
# (mkDefault / mkForce), conditions (mkIf), typed merging and a fixed-point `config`.
let
  mod = a: b: a - (a / b) * b;
  range = first: last: builtins.genList (i: first + i) (last - first + 1);
  concatMap = f: list: builtins.concatLists (map f list);

  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkDefault = mkOverride 1000;
  mkForce = mkOverride 50;
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkOption = { type, default ? null }: { _type = "option"; inherit type default; };

  types = {
    int = { name = "int"; check = builtins.isInt; merge = defs: builtins.foldl' (a: b: if a > b then a else b) 0 defs; };
    str = { name = "str"; check = builtins.isString; merge = defs: builtins.concatStringsSep "\n" defs; };
    bool = { name = "bool"; check = builtins.isBool; merge = builtins.any (x: x); };
    listOf = elem: { name = "listOf ${elem.name}"; check = builtins.isList; merge = builtins.concatLists; };
    attrsOf = elem: {
      name = "attrsOf ${elem.name}";
      check = builtins.isAttrs;
      merge = defs: builtins.zipAttrsWith (name: values: elem.merge values) defs;
    };
  };

  # Expands imports depth-first, each module listed once per path it is imported by.
  collect = modules: concatMap (m: collect (m.imports or [ ]) ++ [ m ]) modules;

  # Pushes `mkIf` down and strips it, keeping definitions whose condition holds.
  discharge = def:
    if builtins.isAttrs def && def._type or null == "if" then
      (if def.condition then discharge def.content else [ ])
    else [ def ];

  # Keeps only the definitions with the best (lowest) priority.
  filterOverrides = defs:
    let
      prio = def: if builtins.isAttrs def && def._type or null == "override" then def.priority else 100;
      strip = def: if builtins.isAttrs def && def._type or null == "override" then def.content else def;
      best = builtins.foldl' (a: def: if prio def < a then prio def else a) 9999 defs;
    in map strip (builtins.filter (def: prio def == best) defs);

  evalModules = modules:
    let
      all = collect modules;
      applied = map (m: m.module { inherit config; }) all;
      options = builtins.foldl' (acc: m: acc // (m.options or { })) { } applied;
      definitions = map (m: m.config or { }) applied;
      mergeOption = name: option:
        let
          raw = concatMap (defs: if defs ? ${name} then discharge defs.${name} else [ ]) definitions;
          defs = filterOverrides raw;
          bad = builtins.filter (d: !option.type.check d) defs;
        in
        if bad != [ ] then throw "option ${name} is not of type ${option.type.name}"
        else if defs == [ ] then option.default
        else option.type.merge defs;
      config = builtins.mapAttrs mergeOption options;
    in config;

  makeModule = host: i: {
    imports = if mod i 10 == 0 && i > 0 then [ (makeModule host (i - 1)) ] else [ ];
    module = { config }: {
      options = {
        "count${toString (mod i 250)}" = mkOption { type = types.int; default = 0; };
        "name${toString (mod i 100)}" = mkOption { type = types.str; default = ""; };
        "flag${toString (mod i 5)}" = mkOption { type = types.bool; default = false; };
        packages = mkOption { type = types.listOf types.str; default = [ ]; };
        ports = mkOption { type = types.attrsOf types.int; default = { }; };
      };
      config = {
        "count${toString (mod (i * 7) 250)}" = if mod i 3 == 0 then mkDefault i else i;
        "name${toString (mod i 100)}" = mkIf (mod i 2 == 0) "module-${toString i}";
        "flag${toString (mod i 5)}" = if mod (i + host) 11 == 0 then mkForce true else false;
        packages = mkIf config.flag0 [ "pkg${toString i}" ];
        ports = builtins.listToAttrs (map (k: { name = "svc${toString (mod (i + k) 300)}"; value = 1000 + i; }) (range 0 9));
      };
    };
  };

  # Several hosts share the module set, differing in which modules force flags.
  hosts = map (host: evalModules (map (makeModule host) (range 0 499))) (range 0 5);
  config = builtins.head hosts;
in
{
  hostPackages = map (c: builtins.length c.packages) hosts;
  packages = builtins.length config.packages;
  ports = config.ports.svc7;
  count = config.count3;
  name = builtins.stringLength config.name4;
  total = builtins.foldl' (acc: { config, name }:
    let v = config.${name}; in
    acc + (if builtins.isInt v then v else if builtins.isString v then builtins.stringLength v
      else if builtins.isList v then builtins.length v else if builtins.isAttrs v then builtins.length (builtins.attrNames v)
      else if v then 1 else 0)) 0
    (builtins.concatLists (map (config: map (name: { inherit config name; }) (builtins.attrNames config)) hosts));
  flags = builtins.length (builtins.filter (x: x) (map (i: config."flag${toString i}") (range 0 4)));
}

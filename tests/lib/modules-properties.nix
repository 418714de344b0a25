# Properties through every path Strata evaluates natively (pushing down,
# discharging, priorities, order, mkDefinition) and the laziness around them.
lib:
let
  inherit (lib) mkOption types;
  ev =
    type: defs:
    let
      r = lib.evalModules {
        modules = [ { options.x = mkOption { inherit type; }; } ] ++ map (v: { x = v; }) defs;
      };
    in
    {
      inherit (r.config) x;
      inherit (r.options.x) highestPrio definitions;
    };
  tried = v: builtins.tryEval (builtins.deepSeq v v);
  list = types.listOf types.int;
in
{
  nested = ev list [
    (lib.mkMerge [
      [ 1 ]
      (lib.mkIf true (lib.mkMerge [ [ 2 ] (lib.mkIf false [ 99 ]) ]))
    ])
    (lib.mkIf true (lib.mkIf true [ 3 ]))
  ];
  ordered = ev list [
    (lib.mkAfter [ 1 ])
    [ 2 ]
    (lib.mkBefore [ 3 ])
    (lib.mkOrder 700 [ 4 ])
    (lib.mkOrder 700 [ 5 ])
  ];
  orderedForce = ev list [
    (lib.mkForce (lib.mkAfter [ 1 ]))
    (lib.mkForce [ 2 ])
    [ 3 ]
  ];
  # The contents of losing overrides are never evaluated (plain values are:
  # their priority is read from them).
  lazyLosers = ev types.int [
    (lib.mkForce 1)
    (lib.mkDefault (throw "not evaluated"))
    (lib.mkOverride 60 (throw "not either"))
  ];
  plainLoserEvaluated = tried (ev types.int [ (lib.mkForce 1) (throw "evaluated") ]).x;
  mergedOverrides = ev types.int [ (lib.mkMerge [ (lib.mkDefault 1) (lib.mkOverride 900 2) ]) ];
  # Conditions around attribute sets are pushed onto their attributes.
  pushed =
    (lib.evalModules {
      modules = [
        {
          options.a = mkOption { type = types.int; default = 0; };
          options.b = mkOption { type = types.int; default = 0; };
        }
        { config = lib.mkIf true { a = 1; }; }
        { config = lib.mkIf false { b = 2; }; }
        { config = lib.mkMerge [ (lib.mkForce { b = 3; }) { a = lib.mkDefault 4; } ]; }
      ];
    }).config;
  pushDown = lib.modules.pushDownProperties (
    lib.mkMerge [
      { a = 1; }
      (lib.mkIf true { b = 2; })
      (lib.mkOverride 10 (lib.mkIf false { c = 3; }))
    ]
  );
  pushDownPlain = lib.modules.pushDownProperties 5;
  discharge = lib.modules.dischargeProperties (
    lib.mkMerge [
      1
      (lib.mkIf true 2)
      (lib.mkIf false 3)
      (lib.mkMerge [ (lib.mkIf true (lib.mkForce 4)) ])
    ]
  );
  badCondition = tried (ev types.int [ (lib.mkIf "yes" 1) ]).x;
  badConditionDischarge = tried (lib.modules.dischargeProperties (lib.mkIf null 1));
  definition =
    (lib.evalModules {
      modules = [
        { options.x = mkOption { type = list; }; }
        {
          x = lib.mkMerge [
            (lib.modules.mkDefinition {
              file = "elsewhere.nix";
              value = [ 7 ];
            })
            [ 8 ]
          ];
        }
      ];
    }).options.x.files;
}

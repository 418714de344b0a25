lib:
let
  inherit (lib) mkOption types;
  ok = e: (builtins.tryEval (builtins.deepSeq e e)).success;
  ev = ms: (lib.evalModules { modules = ms; }).config;
in
{
  wrongType = ok (ev [ { options.a = mkOption { type = types.int; }; a = "x"; } ]);
  undefined = ok (ev [ { options.a = mkOption { type = types.int; }; } ]);
  conflict = ok (ev [ { options.a = mkOption { type = types.int; }; } { a = 1; } { a = 2; } ]);
  sameOk = ok (ev [ { options.a = mkOption { type = types.int; }; } { a = 1; } { a = 1; } ]);
  readOnly = ok (ev [ { options.a = mkOption { readOnly = true; }; } { a = 1; } { a = 2; } ]);
  readOnlyOne = ok (ev [ { options.a = mkOption { readOnly = true; }; } { a = 1; } ]);
  noOption = ok (ev [ { options.a = mkOption { default = 1; }; } { b = 1; } ]);
  dupDecl = ok (ev [ { options.a = mkOption { default = 1; }; } { options.a = mkOption { default = 2; }; } ]);
  badIf = ok (ev [ { options.a = mkOption { default = 1; }; } { a = lib.mkIf "yes" 2; } ]);
  unsupported = ok (ev [ { options.a = mkOption { default = 1; }; b = 1; } ]);
  nullAndNot = ok (ev [ { options.a = mkOption { type = types.nullOr types.int; }; } { a = null; } { a = 1; } ]);
  enumBad = ok (ev [ { options.a = mkOption { type = types.enum [ "x" "y" ]; }; a = "z"; } ]);
  listElem = ok (ev [ { options.a = mkOption { type = types.listOf types.int; }; } { a = [ 1 "x" ]; } ]);
  portBad = ok (ev [ { options.a = mkOption { type = types.port; }; } { a = 70000; } ]);
  nestedList = ok (ev [ [ { } ] ]);
}

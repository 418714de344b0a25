lib:
let
  inherit (lib) mkOption types mkMerge mkIf;
  one = type: defs: (lib.evalModules { modules = [ { options.x = mkOption { inherit type; }; } ] ++ map (v: { x = v; }) defs; }).config.x;
in
{
  lines = one types.lines [ "a" "b" (lib.mkBefore "c") ];
  commas = one types.commas [ "a" "b" ];
  envVar = one types.envVar [ "a" "b" ];
  sep = one (types.separatedString "") [ "a" "b" ];
  boolByOr = one types.boolByOr [ false true false ];
  attrs = one types.attrs [ { a = 1; b = { c = 1; }; } { b = { d = 2; }; } ];
  attrsOf = one (types.attrsOf (types.listOf types.int)) [ { a = [ 1 ]; } { a = [ 2 ]; b = mkIf false [ 3 ]; c = mkMerge [ [ 4 ] [ 5 ] ]; } ];
  lazy = one (types.lazyAttrsOf (types.nullOr types.int)) [ { a = mkIf false 1; b = 2; } ];
  either = one (types.either types.int (types.listOf types.int)) [ [ 1 ] [ 2 ] ];
  oneOf = one (types.oneOf [ types.bool types.str ]) [ "a" "a" ];
  coerced = one (types.coercedTo types.int toString types.str) [ 5 ];
  coercedL = one (types.coercedTo types.str (s: [ s ]) (types.listOf types.str)) [ "a" [ "b" ] ];
  functionTo = (one (types.functionTo (types.listOf types.int)) [ (x: [ x ]) (x: [ (x + 1) ]) ]) 1;
  uniq = one (types.uniq (types.listOf types.int)) [ [ 1 2 ] ];
  nullOr = one (types.nullOr types.int) [ null null ];
  unspecified = one types.unspecified [ [ 1 ] [ 2 ] ];
  unspecifiedAttrs = one types.unspecified [ { a = 1; } { b = 2; } ];
  anything = one types.anything [ { a.b = 1; l = [ 1 ]; } { a.c = mkIf true 2; s = "x"; } ];
  singleLine = one types.singleLineStr [ "abc\n" ];
  nonEmptyList = one (types.nonEmptyListOf types.int) [ [ 1 ] [ 2 ] ];
  deferred = builtins.length (one types.deferredModule [ { a = 1; } { b = 2; } ]).imports;
  pkg = (one types.package [ { type = "derivation"; name = "n"; outPath = "/x"; } ]).name;
  optionType = (one types.optionType [ (types.listOf types.int) ]).description;
  optionTypeMerged = (one types.optionType [ (types.submodule { options.a = mkOption { default = 1; }; }) (types.submodule { options.b = mkOption { default = 2; }; }) ]).description;
  enumMerge = (lib.evalModules { modules = [ { options.x = mkOption { type = types.enum [ "a" ]; }; } { options.x = mkOption { type = types.enum [ "b" ]; }; } { x = "b"; } ]; }).options.x.type.description;
  listMerge = (lib.evalModules { modules = [ { options.x = mkOption { type = types.listOf types.int; }; } { options.x = mkOption { type = types.listOf types.int; }; } ]; }).options.x.type.description;
}

lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { _file = "m.nix"; options.a = mkOption { type = types.int; default = 1; description = "A."; example = 2; };
        options.s = mkOption { type = types.attrsOf (types.submodule { options.x = mkOption { type = types.str; description = "X."; }; }); default = { }; description = "S."; };
        options.hidden = mkOption { visible = false; default = 1; };
        options.shallow = mkOption { visible = "shallow"; type = types.submodule { options.y = mkOption { default = 1; }; }; default = { }; };
        options.l = mkOption { type = types.listOf (types.submodule { options.z = mkOption { default = 1; defaultText = lib.literalExpression "one"; }; }); default = [ ]; };
      }
    ];
  };
in
map (o: removeAttrs o [ "declarations" ]) (builtins.filter (o: !(builtins.elem "_module" o.loc)) (lib.optionAttrSetToDocList r.options))

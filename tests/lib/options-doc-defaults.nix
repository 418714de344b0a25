# optionAttrSetToDocList shows a type's empty value as the default of an
# option without one, except for types with submodules.
lib:
map (o: [ o.name (o.default or null) ]) (
  lib.optionAttrSetToDocList
    (lib.evalModules {
      modules = [
        {
          options.a = lib.mkOption { type = lib.types.submodule { }; };
          options.b = lib.mkOption { type = lib.types.listOf lib.types.int; };
          options.c = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { }); };
          options.d = lib.mkOption { type = lib.types.nullOr lib.types.str; };
        }
      ];
    }).options
)

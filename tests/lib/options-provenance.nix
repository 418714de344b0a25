lib:
let
  inherit (lib) mkOption types;
  r = lib.evalModules {
    modules = [
      { _file = "decl.nix"; options.a = mkOption { type = types.listOf types.int; default = [ 0 ]; }; options.b = mkOption { type = types.int; }; }
      { _file = "one.nix"; a = [ 1 ]; b = lib.mkDefault 1; }
      { _file = "two.nix"; a = lib.mkIf true [ 2 ]; }
      { _file = "three.nix"; a = lib.mkIf false [ 3 ]; }
    ];
  };
  # `definitions` and `definitionsWithLocations` share their values; printing
  # both would show «repeated» depending on the evaluator, so only one is shown.
  strip = o: { inherit (o) files definitionsWithLocations highestPrio isDefined declarations loc value; str = "${o}"; count = builtins.length o.definitions; };
in
{ a = strip r.options.a; b = strip r.options.b; }

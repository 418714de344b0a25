# Custom Nix functions of the mxmlabs flake.
{ lib }:
rec {
  # flake-parts in miniature. Each part is a function of `specialArgs` plus
  # `self` (the finished outputs) returning
  #   { flake = { ...top-level outputs... }; perSystem = { system, pkgs }: { devShells = ...; }; }
  # `flake` attributes are merged; `perSystem` results are collected for
  # every system and transposed, so `devShells` becomes `devShells.<system>`.
  mkFlake =
    { systems, specialArgs, parts }:
    let
      self = merged;
      loaded = map (part: import part (specialArgs // { inherit self; })) parts;
      pkgsFor = system: specialArgs.strata.legacyPackages.${system};
      perSystem =
        system:
        lib.foldl' lib.recursiveUpdate { } (
          map (part: (part.perSystem or (_: { })) {
            inherit system;
            pkgs = pkgsFor system;
          }) loaded
        );
      bySystem = lib.genAttrs systems perSystem;
      names = lib.unique (lib.concatMap (system: builtins.attrNames bySystem.${system}) systems);
      transposed = lib.genAttrs names (name: lib.genAttrs systems (system: bySystem.${system}.${name} or { }));
      merged = lib.foldl' lib.recursiveUpdate transposed (map (part: part.flake or { }) loaded);
    in
    merged;

  # One machine: every shared module (each off until a role or the machine
  # turns it on) plus the machine's own folder.
  mkHost =
    { strata, dir, system ? "x86_64-linux", tags ? [ ] }:
    strata.lib.nixosSystem {
      inherit system;
      modules = [
        ../modules
        dir
        { strata.tags = tags; }
      ];
      specialArgs = { inherit mxmLib; };
    };

  # A development shell as data: the packages (references into the target's
  # package set, whose Debian names are listed in `packageNames`) and the
  # environment variables to set.
  mkShell =
    { name, packages, environment ? { } }:
    {
      type = "devShell";
      inherit name packages environment;
      packageNames = map (p: p.strataPackage or p.pname or p.name) packages;
    };

  mxmLib = { inherit mkFlake mkHost mkShell; };
}

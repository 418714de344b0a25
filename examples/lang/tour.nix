# A short tour of the Nix language as Strata evaluates it:
#   strata eval --strict examples/lang/tour.nix
let
  # Functions with formal arguments and defaults.
  mkService = { name, port ? 8080, enable ? true }: {
    inherit name port enable;
    unit = "${name}.service";
  };

  services = map mkService [
    { name = "jellyfin"; port = 8096; }
    { name = "grafana"; port = 3000; }
    { name = "backup"; enable = false; }
  ];

  enabled = builtins.filter (s: s.enable) services;

  # Recursive sets and `with`.
  paths = rec {
    root = "/srv";
    media = "${root}/media";
    backups = "${root}/backups";
  };
in
with builtins; {
  enabledUnits = map (s: s.unit) enabled;
  ports = listToAttrs (map (s: { name = s.name; value = s.port; }) enabled);
  totalPorts = foldl' (acc: s: acc + s.port) 0 enabled;
  inherit paths;
  sorted = sort lessThan [ 5 3 9 1 ];
  summary = concatStringsSep ", " (attrNames paths);
}

# Evaluate with: strata eval --strict examples/modules
let
  lib = import <strata/lib>;
  machine = lib.evalModules { modules = [ ./machine.nix ]; };
in
{
  inherit (machine.config) homelab;
  # Where the value of homelab.paths.media came from (file and priority).
  mediaPathDefinedIn = machine.options.homelab.paths.media.files;
  mediaPathPriority = machine.options.homelab.paths.media.highestPrio;
}

# builtins.addDrvOutputDependencies (Nix 2.18) turns a constant .drv path context into a
# "derivation deep" (allOutputs) one: the inverse of unsafeDiscardOutputDependency.
let
  d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; };
  shallow = builtins.unsafeDiscardOutputDependency d.drvPath;
in [ (builtins.getContext shallow) (builtins.getContext (builtins.addDrvOutputDependencies shallow)) ]

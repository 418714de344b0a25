# builtins.addDrvOutputDependencies (Nix 2.18) needs exactly one context element.
# error: must have exactly one element, but has 0
builtins.addDrvOutputDependencies "no context"

# Nix 2.8: two nested paths under the same dynamic name are a duplicate.
# error: dynamic attribute 'dyn' already defined at
# error: eval-fail-attrs-dynamic-nested-twice.nix:4:21
let k = "dyn"; in { ${k}.a = 1; ${k}.b = 2; }

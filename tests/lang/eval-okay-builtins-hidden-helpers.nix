# Strata's built-in lib sees native helpers in its `builtins`; user code sees
# exactly Nix's builtins (and no `__strata*` variables).
[
  (builtins ? strataPushDownProperties)
  (builtins ? strataMergeDefinitionsCore)
  (builtins ? strataReverseList)
  (builtins.strataGroupByName or "absent")
  (builtins.length (builtins.filter (name: builtins.substring 0 6 name == "strata") (builtins.attrNames builtins)))
]

# Strata claims the version of the reference it follows.
builtins.substring 0 3 builtins.nixVersion

# The runners set HOME; an unset variable gives "".
[ (builtins.getEnv "HOME") (builtins.getEnv "STRATA_SURELY_UNSET_VARIABLE") ]

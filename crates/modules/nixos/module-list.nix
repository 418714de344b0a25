# The standard modules that `strata.lib.nixosSystem` adds to every machine.
[ ]

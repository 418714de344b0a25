# <strata-lib> is bound by -I in the .flags file.
[ (import <strata-lib/sp.nix>) (builtins.typeOf <strata-lib>) (baseNameOf <strata-lib/sp.nix>) ]

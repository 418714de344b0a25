[ (import <strata-lib/value.nix>).answer (import <strata-lib>) ]

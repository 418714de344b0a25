# Reached through a search path, e.g. <strata-lib/sp.nix>.
"found via search path"

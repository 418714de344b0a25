# Fetchers are not run here (no network); only that they are functions.
with builtins; map typeOf [ fetchGit fetchMercurial fetchTarball fetchTree fetchurl filterSource path ]

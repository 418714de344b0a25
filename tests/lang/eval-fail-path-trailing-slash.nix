# error: path has a trailing slash
# error: eval-fail-path-trailing-slash.nix:3:3
[ /foo/bar/ ]

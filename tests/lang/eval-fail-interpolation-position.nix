# error: cannot coerce a set to a string
# error: eval-fail-interpolation-position.nix:9:29
# A value that cannot be coerced to a string inside "${...}" is reported at that
# interpolation's `${`, not at the string's start.
let
  port = 8080;
  attrs = { a = 1; };
in
"listen=${toString port} on ${attrs}"

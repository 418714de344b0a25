# error: cannot coerce an integer to a string
# error: eval-fail-eq-attrs-symbol-order.nix:6:35
# Nix compares two sets attribute by attribute in the order it keeps names (when each name was
# first created: `name` exists before any file is read), not alphabetically: here `name`'s
# failing value is compared before the differing `foo` (found by tests/gen seed 89).
{ foo = 1; name = builtins.seq "n=${1}" 1; } == { foo = 2; name = 1; }

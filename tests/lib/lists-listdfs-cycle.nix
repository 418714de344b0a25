# Strata's builtins.filter returns its argument itself when it keeps every
# element, so the printer shows the second occurrence as «repeated»; Nix
# builds a new list and prints it again.
lib:
lib.listDfs true (a: b: true) [ 1 2 3 ]

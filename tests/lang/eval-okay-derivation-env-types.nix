# Attribute types coerce to environment strings; null is an empty string, true "1", false "".
(derivation { name = "t"; system = "x"; builder = "/bin/sh"; i = 1; b = true; f = false; n = null; l = [ 1 "a" null ]; s = "str"; p = ./lib/data.txt; fl = 1.5; }).drvPath

# error: contains illegal character ' '
(derivation { name = "bad name!"; system = "x"; builder = "/bin/sh"; }).drvPath

# error: required attribute 'system' missing
(derivation { name = "x"; builder = "/bin/sh"; }).drvPath

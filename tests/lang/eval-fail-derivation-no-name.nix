# error: required attribute 'name' missing
(derivation { system = "x"; builder = "/bin/sh"; }).drvPath

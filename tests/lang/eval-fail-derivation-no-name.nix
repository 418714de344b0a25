# error: attribute 'name' missing for call to 'derivationStrict'
(derivation { system = "x"; builder = "/bin/sh"; }).drvPath

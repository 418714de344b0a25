(derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; nested = { a = [ 1 2 ]; }; }).drvPath

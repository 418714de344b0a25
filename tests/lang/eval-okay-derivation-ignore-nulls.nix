let d = derivation { name = "n"; system = "x"; builder = "/bin/sh"; __ignoreNulls = true; skipped = null; }; in [ d.drvPath (d ? skipped) ]

[ (1 + 1) "x" (throw "not forced") ]

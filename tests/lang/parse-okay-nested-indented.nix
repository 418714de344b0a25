'' outer ${'' inner ${"x"} ''} ''

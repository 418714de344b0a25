# error: value is a set while an integer was expected
builtins.genList (x: x) {}

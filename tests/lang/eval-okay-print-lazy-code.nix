# Without --strict, unevaluated values print as <CODE>.
{ a = 1 + 1; b = "s"; c = [ (1 + 1) 2 ]; d = { e = 1 + 1; }; f = x: x; g = builtins.add; h = builtins.add 1; }

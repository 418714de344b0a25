builtins.toXML { a = 1; b = "s"; c = [ true null 1.5 ]; d = { e = /abs/path; }; f = x: x; g = { y ? 1, ... }@args: y; }

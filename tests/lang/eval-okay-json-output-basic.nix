{ a = 1; b = [ true null "s" 1.5 ]; c = { d = "e"; }; }

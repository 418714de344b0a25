let f = { a, ... }@args: args.b + a; in f { a = 1; b = 2; }

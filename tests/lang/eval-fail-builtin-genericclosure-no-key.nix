# error: attribute 'key' missing
builtins.genericClosure { startSet = [ { nokey = 1; } ]; operator = x: []; }

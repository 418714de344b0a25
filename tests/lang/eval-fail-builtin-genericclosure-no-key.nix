# error: attribute 'key' required
builtins.genericClosure { startSet = [ { nokey = 1; } ]; operator = x: []; }

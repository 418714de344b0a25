let s = { a = 1; }; in { x = s; y = s; }

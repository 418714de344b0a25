# error: attribute 'a.b' already defined at
{ a = { b = 1; }; a.b = 2; }

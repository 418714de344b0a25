# error: attribute 'a' already defined at
{ a = 1; ${"a"} = 2; }

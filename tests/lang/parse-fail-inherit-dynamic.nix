# error: undefined variable 'a'
{ inherit ${"a"}; }

# error: dynamic attributes not allowed in inherit
{ inherit ${"a"}; }

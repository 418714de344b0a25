# error: attribute 'z' missing
{ a.b = 1; }.a.z

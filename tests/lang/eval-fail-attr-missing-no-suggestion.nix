# error: attribute 'completelydifferent' missing
{ a = 1; }.completelydifferent

# error: attempt to call something which is not a function but a set
{ __functor = 1; } 2

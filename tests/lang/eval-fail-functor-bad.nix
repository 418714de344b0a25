# error: attempt to call something which is not a function but an integer
{ __functor = 1; } 2

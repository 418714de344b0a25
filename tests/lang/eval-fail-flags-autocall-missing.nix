# error: cannot evaluate a function that has an argument without a value ('x')
{ x }: x

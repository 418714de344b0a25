# error: anonymous function at
# error: called with unexpected argument 'y'
({ x }: x) { x = 1; y = 2; }

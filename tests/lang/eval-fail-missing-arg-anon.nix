# error: anonymous function at
# error: called without required argument 'b'
({ a, b }: a) { a = 1; }

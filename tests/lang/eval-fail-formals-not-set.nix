# error: value is an integer while a set was expected
({ x }: x) 1

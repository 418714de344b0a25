# error: duplicate formal function argument 'x'
x@{ x }: x

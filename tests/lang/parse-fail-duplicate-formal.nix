# error: duplicate formal function argument 'a'
{ a, b, a }: a

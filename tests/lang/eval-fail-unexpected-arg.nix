# error: called with unexpected argument 'z'
let f = { x }: x; in f { x = 1; z = 2; }

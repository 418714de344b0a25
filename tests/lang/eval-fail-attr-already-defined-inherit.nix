# error: attribute 'x' already defined at
let x = 1; in { inherit x; x = 2; }

# error: dynamic attributes not allowed in let
let x = "a"; in let ${x} = 1; in a

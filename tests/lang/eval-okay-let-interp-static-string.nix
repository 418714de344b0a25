# An interpolation of a plain string literal counts as a static name, even in let.
let ${"a"} = 1; "b" = 2; in a + b

# A lexical binding beats any `with`, even an inner one.
let x = "let"; in with { x = "with"; }; x

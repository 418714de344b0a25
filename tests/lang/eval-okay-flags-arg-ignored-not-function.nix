# --arg only applies when the top-level value is a function with formals.
"not a function"

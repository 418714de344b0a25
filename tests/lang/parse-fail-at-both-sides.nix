# error: syntax error
a@{ x }@b: x

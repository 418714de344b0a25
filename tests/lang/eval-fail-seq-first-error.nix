# error: first
builtins.seq (throw "first") (throw "second")

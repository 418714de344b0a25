# trace prints to stderr; stdout has the value only.
builtins.trace "tracing message" (builtins.trace { a = 1; } 42)

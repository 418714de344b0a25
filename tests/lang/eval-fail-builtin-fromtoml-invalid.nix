# error: while parsing a TOML string
builtins.fromTOML "a = "

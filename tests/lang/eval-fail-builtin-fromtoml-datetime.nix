# error: while parsing a TOML string: Dates and times are not supported
builtins.fromTOML "d = 1979-05-27T07:32:00Z"

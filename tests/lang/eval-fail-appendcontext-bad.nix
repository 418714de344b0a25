# error: is not allowed to refer to a store path
builtins.appendContext "x" { "/not/a/store/path" = { path = true; }; }

# error: Context key '"/not/a/store/path"' is not a store path
builtins.appendContext "x" { "/not/a/store/path" = { path = true; }; }

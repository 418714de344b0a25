# error: syntax error while parsing object key
builtins.fromJSON "{ not json"

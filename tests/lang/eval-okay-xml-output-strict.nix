builtins.fromJSON ''{ "a": 1, "b": { "c": [ 1.5, "x", false ] } }''

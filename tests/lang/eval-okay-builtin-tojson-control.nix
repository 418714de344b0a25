builtins.toJSON (builtins.fromJSON "\"\\u0001 \\u001f \\u007f \\u00e9 \\/\"")

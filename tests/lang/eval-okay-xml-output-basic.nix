# Attributes from a source file carry their position (an absolute path) in --xml output,
# so the XML cases build their sets without source positions, through fromJSON.
builtins.fromJSON ''{ "a": 1, "b": "s", "c": [true, null, 2.5] }''

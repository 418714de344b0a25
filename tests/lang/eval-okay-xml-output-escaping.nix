builtins.fromJSON ''{ "<&>": "<tag attr=\"v\"> & 'q'\n\t" }''

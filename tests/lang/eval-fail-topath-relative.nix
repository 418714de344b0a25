# error: string 'rel' doesn't represent an absolute path
builtins.toPath "rel"

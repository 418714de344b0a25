# toString of a path does not copy it to the store.
[ (toString /abs/path) (builtins.hasContext (toString ./.)) ]

# Used with scopedImport: `magic` comes from the scope argument.
[ magic (builtins.typeOf magic) ]

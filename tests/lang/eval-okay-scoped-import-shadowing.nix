# scopedImport's scope is lexical in Nix: it shadows builtins (`toString`,
# `builtins`, even `true`) and the imported file's own `with` scopes.
scopedImport {
  magic = 1;
  toString = x: "overridden";
  builtins = { length = _: 42; };
  true = "not a Boolean";
  fromScope = 7;
} ./lib/scoped-shadow.nix

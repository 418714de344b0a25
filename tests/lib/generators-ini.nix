lib:
{
  ini = lib.generators.toINI { } { foo = { hi = "x"; ciao = "bar"; }; baz = { "also, integers" = 42; }; };
  iniEmpty = lib.generators.toINI { } { };
  iniSection = lib.generators.toINI { } { "a[b]" = { x = 1; }; };
  iniDup = lib.generators.toINI { listsAsDuplicateKeys = true; } { s = { k = [ "a" "b" ]; }; };
  iniName = lib.generators.toINI { mkSectionName = n: lib.toUpper n; } { s = { }; };
  global = lib.generators.toINIWithGlobalSection { } { globalSection = { g = 1; }; sections = { s = { k = "v"; }; }; };
  globalEmpty = lib.generators.toINIWithGlobalSection { } { globalSection = { }; sections = { s = { k = "v"; }; }; };
  globalOnly = lib.generators.toINIWithGlobalSection { } { globalSection = { g = 1; }; };
}

lib:
{
  splitString = [ (lib.splitString "." "a.b.c") (lib.splitString "/" "/usr/local/bin/") (lib.splitString "::" "a::b") (lib.splitString "," "") (lib.splitString "." "abc") ];
  stringToCharacters = [ (lib.stringToCharacters "abc") (lib.stringToCharacters "") ];
  stringAsChars = lib.stringAsChars (c: if c == "a" then "A" else c) "banana";
  splitBy = lib.strings.splitStringBy (prev: curr: builtins.elem curr [ "." "-" ]) false "foo.bar-baz";
  splitByKeep = lib.strings.splitStringBy (prev: curr: builtins.elem curr [ "." "-" ]) true ".foo.bar-baz.";
  splitByCase = lib.strings.splitStringBy (prev: curr: builtins.match "[a-z]" prev != null && builtins.match "[A-Z]" curr != null) true "fooBarBaz";
  splitByEmpty = lib.strings.splitStringBy (prev: curr: true) false "";
}

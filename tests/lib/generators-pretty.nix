lib:
let p = lib.generators.toPretty { }; in {
  scalars = map p [ 1 (-2) true false null "str" "q\"\\" "\${x}" 0.5 ];
  multilineString = p "a\nb";
  trailingNewline = p "a\nb\n";
  quotes = p "it''s\n\${x}";
  list = p [ 1 [ 2 3 ] [ ] { } ];
  attrs = p { a = 1; "b c" = { d = [ "x" ]; }; "if" = null; };
  function = p (x: x);
  functionArgs = p ({ a, b ? 1 }: a);
  functor = p { __functor = self: x: x; };
  derivation = p { type = "derivation"; name = "hello"; };
  derivationNoName = p { type = "derivation"; };
  oneLine = lib.generators.toPretty { multiline = false; } { a = [ 1 2 ]; b = { }; c = "x\ny\n"; };
  indent = lib.generators.toPretty { indent = "    "; } { a = [ 1 ]; };
  pretty = lib.generators.toPretty { allowPrettyValues = true; } { a = { __pretty = v: "<${toString v}>"; val = 5; }; };
  notPretty = lib.generators.toPretty { } { __pretty = v: "P"; val = 5; };
}

lib:
{
  isStringLike = map lib.isStringLike [ "a" ./. { outPath = "x"; } { __toString = _: "y"; } 1 [ ] { } ];
  isConvertible = map lib.strings.isConvertibleWithToString [ "a" 1 1.5 true null [ 1 [ "a" ] ] { } [ { } ] (x: x) ];
  isStorePath = map lib.isStorePath [ "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11" "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11/bin/python" "/nix/store" "nix/store/x-y" 1 { outPath = "/nix/store/abc-x"; } ];
  sanitize = map lib.strings.sanitizeDerivationName [ "../hello.bar # foo" "" ".foo" "..a" "a b c" "-x-" "a/b" "ok-1.2+3" ];
  addContextFrom = lib.addContextFrom "a" "b";
  fileContents = lib.fileContents ./fixtures/text.txt;
}

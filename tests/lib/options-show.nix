lib:
{
  showOption = lib.showOption [ "a" "b c" "<name>" "*" "1x" "‹name›" "a.b" "" "x-y" "x'" ];
  showFiles = lib.showFiles [ "a" "b" ];
  showDefs = lib.options.showDefs [ { file = "f"; value = 1; } { file = "g"; value = { a = 1; b = [ 1 2 3 4 5 6 ]; }; } { file = "h"; value = throw "x"; } ];
  getValues = lib.getValues [ { file = "f"; value = 1; } { file = "g"; value = 2; } ];
  getFiles = lib.getFiles [ { file = "f"; value = 1; } { file = "g"; value = 2; } ];
  literal = [ (lib.literalExpression "pkgs.x") (lib.literalMD "*x*") (lib.options.literalCode "nix" "x") ];
  render = lib.options.renderOptionValue { a = 1; };
  scrub = lib.options.scrubOptionValue { a = { type = "derivation"; name = "n"; outPath = "/x"; }; _args = 1; b = [ 1 ]; };
  isOption = [ (lib.isOption (lib.mkOption { })) (lib.isOption { }) ];
}

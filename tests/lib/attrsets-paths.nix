lib:
let s = { a = { b = { c = 1; }; x = null; }; n = 5; }; in {
  byPath = [ (lib.attrByPath [ "a" "b" "c" ] 0 s) (lib.attrByPath [ "a" "z" ] 0 s) (lib.attrByPath [ "n" "m" ] 0 s) (lib.attrByPath [ ] 0 s == s) ];
  has = [ (lib.hasAttrByPath [ "a" "b" ] s) (lib.hasAttrByPath [ "a" "q" ] s) (lib.hasAttrByPath [ ] s) (lib.hasAttrByPath [ "n" "m" ] s) (lib.hasAttrByPath [ "a" "x" ] s) ];
  set = lib.setAttrByPath [ "x" "y" ] 1;
  setEmpty = lib.setAttrByPath [ ] 1;
  get = lib.getAttrFromPath [ "a" "b" ] s;
  longest = [ (lib.attrsets.longestValidPathPrefix [ "a" "b" "q" ] s) (lib.attrsets.longestValidPathPrefix [ "z" ] s) (lib.attrsets.longestValidPathPrefix [ ] s) ];
  show = map lib.showAttrPath [ [ ] [ "a" ] [ "a" "b-c" "d e" "if" ] ];
}

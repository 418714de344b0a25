lib:
{
  simple = lib.updateManyAttrsByPath [ { path = [ "a" "b" ]; update = old: old + 1; } ] { a = { b = 1; c = 2; }; };
  ordered = lib.updateManyAttrsByPath [
    { path = [ "a" ]; update = old: old // { x = 1; }; }
    { path = [ ]; update = old: old // { a = { fresh = true; }; }; }
    { path = [ "a" "y" ]; update = old: 2; }
  ] { a = { }; };
  sequence = lib.updateManyAttrsByPath [
    { path = [ "n" ]; update = old: old * 10; }
    { path = [ "n" ]; update = old: old + 1; }
  ] { n = 1; };
  none = lib.updateManyAttrsByPath [ ] { a = 1; };
  newLeaf = lib.updateManyAttrsByPath [ { path = [ "z" ]; update = old: 3; } ] { };
}

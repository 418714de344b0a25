# A variable of a `with` used as an argument, a list item, a binding or an
# attribute is looked up when that value is made, once a lookup has
# evaluated the namespace (Nix's `maybeThunk`): the value is then shared and
# prints as it is; before the first lookup it is a thunk (<CODE>).
let
  s = { a = 1; b = { c = 2; }; };
  f = x: [ x ];
  cases = {
  before = with s; [ a b ];
  after = with s; builtins.seq a [ a b ];
  argument = with s; builtins.seq a (f b);
  inner = with s; with { d = 3; }; builtins.seq d [ a d ];
  outer = with s; with { d = 3; }; builtins.seq a [ a d ];
  binding = with s; builtins.seq a (let x = a; in { inherit x; });
  attribute = with s; builtins.seq a { y = b; };
  default = with s; builtins.seq a (({ z ? a }: [ z ]) { });
  };
in
# Each case forced to its outermost constructor only (not --strict).
builtins.foldl' (forced: name: builtins.seq cases.${name} forced) cases (builtins.attrNames cases)

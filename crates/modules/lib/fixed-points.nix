# Fixed points of functions and the overlay ("extension") machinery built
# on them.
{ lib }:
rec {
  # The value x with x == f x, computed lazily.
  fix = f: let x = f x; in x;

  # Like fix, but the result remembers the function in `__unfix__`.
  fix' = f: let x = f x // { __unfix__ = f; }; in x;

  # Apply f until the result stops changing.
  converge = f: x:
    let next = f x; in
    if next == x then x else converge f next;

  # Lay the overlay `g` (final: prev: changes) on top of `rattrs`.
  extends = g: rattrs: final:
    let prev = rattrs final; in
    prev // g final prev;

  composeExtensions = f: g: final: prev:
    let
      fromF = f final prev;
      afterF = prev // fromF;
    in
    fromF // g final afterF;

  composeManyExtensions = lib.lists.foldr composeExtensions (_: _: { });

  makeExtensible = makeExtensibleWithCustomName "extend";

  makeExtensibleWithCustomName = extenderName: rattrs:
    fix' (self: rattrs self // {
      ${extenderName} = g: makeExtensibleWithCustomName extenderName (extends g rattrs);
    });

  # Turn an attribute set, a function of `prev`, or a full `final: prev:`
  # overlay into the latter.
  toExtension = f:
    if lib.isFunction f then
      final: prev:
        let applied = f prev; in
        if lib.isFunction applied then applied prev else applied
    else
      _final: _prev: f;
}

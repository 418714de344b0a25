# mapAttrs' values are computed when their names are forced: a name whose
# call throws is fine unforced; the function gets each name and its value;
# a set made by `//` (a layer over a larger set) maps like a flat one; a
# function that takes one argument and returns a function works too.
let
  big = builtins.listToAttrs (map (n: { name = "k${toString n}"; value = n; }) (builtins.genList (n: n) 40));
  layered = big // { k3 = "three"; extra = 1; };
  mapped = builtins.mapAttrs (name: value: if name == "bad" then throw "not forced" else "${name}=${toString value}")
    { a = 1; bad = 2; c = 3; };
  curried = builtins.mapAttrs (name: let prefix = "${name}:"; in value: prefix + toString value) { x = 1; y = 2; };
  overLayered = builtins.mapAttrs (name: value: [ name value ]) layered;
in
{
  names = builtins.attrNames mapped;
  inherit (mapped) a c;
  inherit curried;
  k3 = overLayered.k3;
  k39 = overLayered.k39;
  extra = overLayered.extra;
  count = builtins.length (builtins.attrNames overLayered);
}

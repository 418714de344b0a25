# listToAttrs of 100000 names, then lookups of every name in a loop.
let
  names = builtins.genList (i: "key${toString i}") 100000;
  set = builtins.listToAttrs (map (name: { inherit name; value = builtins.stringLength name; }) names);
  total = builtins.foldl' (acc: name: acc + set.${name}) 0 names;
  present = builtins.length (builtins.filter (name: set ? ${name}) (map (n: n + "x") names ++ names));
in
{
  inherit total present;
  size = builtins.length (builtins.attrNames set);
}

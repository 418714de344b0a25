# The declared options of one machine as plain data, for `strata options`:
# every visible, non-internal option (sub-options of submodules included),
# with its type, default, example and description as text.
{ lib, options }:
let
  text =
    x:
    if x == null then
      null
    else if builtins.isAttrs x then
      x.text or (builtins.toJSON x)
    else
      toString x;
in
map (o: {
  inherit (o) name loc readOnly type;
  description = text (o.description or null);
  default = if o ? default then text o.default else null;
  example = if o ? example then text o.example else null;
  declarations = map toString o.declarations;
  # file:line:column of each declaration, for options outside submodules.
  positions =
    let
      option = lib.attrByPath o.loc null options;
      known = builtins.filter (p: p != null) (option.declarationPositions or [ ]);
    in
    if option == null then [ ] else map (p: "${p.file}:${toString p.line}:${toString p.column}") known;
}) (builtins.filter (o: o.visible && !o.internal) (lib.optionAttrSetToDocList options))

lib:
let
  inherit (lib) mkOption types;
  opt = mkOption { type = types.int; default = 7; };
  ev = defs: let r = lib.evalModules { modules = [ { options.x = opt; } ] ++ map (v: { x = v; }) defs; }; in { inherit (r.config) x; inherit (r.options.x) highestPrio isDefined definitions; };
in
{
  none = ev [ ];
  plain = ev [ 1 ];
  def = ev [ (lib.mkDefault 2) ];
  force = ev [ 1 (lib.mkForce 3) (lib.mkDefault 2) ];
  vm = ev [ (lib.mkForce 3) (lib.mkVMOverride 4) ];
  image = ev [ (lib.mkForce 3) (lib.mkImageMediaOverride 5) 9 ];
  optdef = ev [ (lib.mkOptionDefault 7) ];
  override = ev [ (lib.mkOverride 20 11) (lib.mkOverride 30 12) ];
  ifs = ev [ (lib.mkIf false 1) (lib.mkIf true (lib.mkDefault 6)) ];
}

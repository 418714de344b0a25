# hwc's own helpers: the bottom layer. Modules receive this set as the
# module argument `hwcLib`; nothing here reads configuration.
{ lib }:
rec {
  # One machine per folder of `dir` (each folder's default.nix), built with
  # the standard modules and `hwcLib` passed to every module.
  mkMachines =
    { nixosSystem, dir }:
    let
      folders = lib.filterAttrs (_: kind: kind == "directory") (builtins.readDir dir);
    in
    lib.mapAttrs (
      name: _:
      nixosSystem {
        modules = [ (dir + "/${name}") ];
        specialArgs.hwcLib = hwcLib;
      }
    ) folders;

  hwcLib = {
    inherit
      stateDirs
      firewallFor
      containerUnit
      healthCheck
      ;
  };

  # systemd-tmpfiles lines that create service directories.
  stateDirs =
    { owner ? "root", mode ? "0750" }:
    dirs: map (dir: "d ${dir} ${mode} ${owner} ${owner} -") dirs;

  # Opens TCP ports on the given interfaces (VLANs), or everywhere when the
  # list is empty.
  firewallFor =
    interfaces: ports:
    if interfaces == [ ] then
      { allowedTCPPorts = ports; }
    else
      { interfaces = lib.genAttrs interfaces (_: { allowedTCPPorts = ports; }); };

  # What a container's unit needs before it starts: the shared container
  # network (when it is on) and the GPU's setup units (when it uses the GPU).
  containerUnit =
    { network, accel ? null }:
    let
      units = lib.optional network.enable network.unit ++ lib.optionals (accel != null) accel.units;
    in
    {
      after = units;
      requires = units;
    };

  # An HTTP health check against a local port.
  healthCheck = name: port: path: {
    inherit name;
    type = "http";
    url = "http://127.0.0.1:${toString port}${path}";
    timeout = 60;
  };
}

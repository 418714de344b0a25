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
      afterNetwork
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

  # Orders a container's unit after the shared container network.
  afterNetwork =
    network:
    lib.optionalAttrs network.enable {
      after = [ network.unit ];
      requires = [ network.unit ];
    };

  # An HTTP health check against a local port.
  healthCheck = name: port: path: {
    inherit name;
    type = "http";
    url = "http://127.0.0.1:${toString port}${path}";
    timeout = 60;
  };
}

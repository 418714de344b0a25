# packages: files generated from the machines' configurations.
#   inventory             every host with its system, tags and roles (JSON)
#   cloud-init-<host>     first-boot user data for each cloud host (YAML)
{ self, strata, ... }:
let
  inherit (strata) lib;
  hosts = self.nixosConfigurations;
  cloudHosts = lib.filterAttrs (_: h: h.config.mxmlabs.platforms.hetznerCloud.enable) hosts;
  artifact = name: text: {
    inherit name text;
    type = "artifact";
  };

  inventory = lib.mapAttrs (_: h: {
    inherit (h.config.strata) system tags;
    roles = builtins.attrNames (lib.filterAttrs (_: r: r.enable) h.config.mxmlabs.roles);
  }) hosts;

  adminEntry = user: admin: ''
      - name: ${user}
        groups: [sudo]
        shell: ${admin.shell}
        ssh_authorized_keys:
    ${lib.concatMapStrings (key: "      - ${key}\n") admin.keys}'';

  cloudInit = name: h: ''
    #cloud-config
    hostname: ${name}
    users:
    ${lib.concatStrings (lib.mapAttrsToList adminEntry h.config.mxmlabs.base.users.admins)}package_update: true
    packages: [curl, git]
  '';
in
{
  perSystem =
    { ... }:
    {
      packages = {
        inventory = artifact "inventory.json" (builtins.toJSON inventory);
      } // lib.mapAttrs' (name: h: lib.nameValuePair "cloud-init-${name}" (artifact "${name}.yaml" (cloudInit name h))) cloudHosts;
    };
}

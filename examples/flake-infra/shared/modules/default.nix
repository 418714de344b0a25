# Every mxmlabs module; each is off until a role or a machine enables it.
{
  imports = [
    ./base/nix-config.nix
    ./base/users.nix
    ./base/security.nix
    ./development/python.nix
    ./development/go.nix
    ./development/containers.nix
    ./platforms/bare-metal.nix
    ./platforms/hetzner-cloud.nix
    ./roles/workstation.nix
    ./roles/server.nix
    ./roles/hypervisor.nix
    ./services/caddy.nix
    ./services/postgresql.nix
    ./services/libvirtd.nix
  ];
}

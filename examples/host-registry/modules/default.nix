# The custom modules, all imported on every host by the builder (each stays
# off until a feature profile or the host enables it).
{
  imports = [
    ./lan-hosts.nix
    ./disks.nix
    ./travel-router
    ./arr-stack
  ];
}

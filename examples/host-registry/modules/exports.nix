# The modules exported as `nixosModules`, for use in other flakes.
{
  lan-hosts = ./lan-hosts.nix;
  disks = ./disks.nix;
  travel-router = ./travel-router;
  arr-stack = ./arr-stack;
  default = ./.;
}

# Shared by every host (the builder always adds this folder).
{
  imports = [
    ./base.nix
    ./users.nix
    ./security.nix
  ];
}

# The system domain: core OS settings, users, SSH and networking.
{
  imports = [
    ./core.nix
    ./users.nix
    ./ssh.nix
    ./networking.nix
  ];
}

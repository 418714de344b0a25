# desktop: the office tower. Python only, docker for the client projects
# that ship compose files.
{
  imports = [ ./hardware.nix ];

  networking.hostName = "desktop";
  system.stateVersion = "24.11";

  mxmlabs.roles.workstation.enable = true;
  mxmlabs.development.containers.backend = "docker";
  mxmlabs.platforms.bareMetal.enable = true;
}

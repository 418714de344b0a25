# laptop: Max's ThinkPad. Python and Go work, containers, Wi-Fi.
{
  imports = [ ./hardware.nix ];

  networking.hostName = "laptop";
  system.stateVersion = "24.11";

  mxmlabs.roles.workstation = {
    enable = true;
    development.python.enable = true;
    development.go.enable = true;
  };
  mxmlabs.platforms.bareMetal = {
    enable = true;
    laptop = true;
  };
}

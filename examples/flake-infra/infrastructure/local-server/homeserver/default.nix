# homeserver: the local hypervisor. VMs for tests and a database for the
# office's internal tools.
{
  imports = [ ./hardware.nix ];

  networking.hostName = "homeserver";
  system.stateVersion = "24.11";

  mxmlabs.roles.hypervisor.enable = true;
  mxmlabs.roles.server = {
    enable = true;
    database.enable = true;
  };
  # Nix builds for the workstations run here.
  mxmlabs.base.nixConfig.enable = true;
}

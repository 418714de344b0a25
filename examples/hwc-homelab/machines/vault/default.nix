# vault: the backup box. No GPU, a big backup tier, reachable only on the
# management VLAN.
{
  imports = [
    ../../profiles/server.nix
    ./hardware.nix
  ];

  networking.hostName = "vault";
  system.stateVersion = "24.05";
  strata.tags = [ "server" "backup" ];

  hwc.services.backup.restic.keepDaily = 30;
  hwc.system.networking.vlans.management = {
    id = 10;
    address = "10.10.10.3";
  };
  hwc.system.ssh.interfaces = [ "management" ];
  hwc.services.monitoring.nodeExporter.interfaces = [ "management" ];
}

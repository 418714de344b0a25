# nixosConfigurations: the local machines, the local server and the cloud hosts.
{ strata, mxmLib, ... }:
let
  host = dir: tags: mxmLib.mkHost { inherit strata dir tags; };
in
{
  flake.nixosConfigurations = {
    laptop = host ../infrastructure/local-machines/laptop [ "local" "workstation" ];
    desktop = host ../infrastructure/local-machines/desktop [ "local" "workstation" ];
    homeserver = host ../infrastructure/local-server/homeserver [ "local" "hypervisor" "server" ];
    cloud-web = host ../infrastructure/hetzner/cloud-web [ "cloud" "hetzner" "server" ];
  };
}

# snix: the AMD laptop; a travel router on the road.
{
  imports = [
    ./hardware.nix
    ./disks.nix
  ];

  fleet.travelRouter.accessPoint.countryCode = "DE";
}

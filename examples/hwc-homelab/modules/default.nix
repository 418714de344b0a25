# Every hwc module. Each is off until a profile or machine enables it, so
# importing all of them costs nothing; profiles import this file.
{
  imports = [
    ./paths.nix
    ./infrastructure
    ./system
    ./services
  ];
}

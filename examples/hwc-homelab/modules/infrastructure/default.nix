# The infrastructure domain: wiring between users, hardware and services, in
# exactly three buckets. Import this aggregator, never a bucket file.
{
  imports = [
    # hardware: user ↔ hardware glue
    ./hardware/gpu.nix
    ./hardware/permissions.nix
    ./hardware/storage.nix
    # mesh: service ↔ service and service ↔ network glue
    ./mesh/container-networking.nix
    # session: user-scoped helpers
    ./session/commands.nix
  ];
}

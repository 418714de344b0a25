# The services domain: one daemon per file, all off by default.
{
  imports = [
    ./media/jellyfin.nix
    ./photos/immich.nix
    ./photos/immich-machine-learning.nix
    ./photos/immich-database.nix
    ./photos/immich-redis.nix
    ./ai/ollama.nix
    ./monitoring/node-exporter.nix
    ./backup/restic.nix
  ];
}

# Imported by `import ./lib`.
"lib/default.nix"

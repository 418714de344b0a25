# error: path '/etc/passwd' is not in the Nix store
builtins.storePath "/etc/passwd"

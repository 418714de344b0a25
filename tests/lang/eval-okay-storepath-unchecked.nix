# In read-only evaluation, storePath does not check validity of a store path.
builtins.storePath "/nix/store/00000000000000000000000000000000-x"

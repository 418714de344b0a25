# error: file 'does-not-exist' was not found in the Nix search path (add it using $NIX_PATH or -I)
<does-not-exist>

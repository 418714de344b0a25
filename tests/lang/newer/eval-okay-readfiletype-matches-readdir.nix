# builtins.readFileType (Nix 2.14) agrees with readDir for every entry.
let d = builtins.readDir ../lib/dir; in builtins.all (n: builtins.readFileType (../lib/dir + "/${n}") == d.${n}) (builtins.attrNames d)

# parseFlakeRef and flakeRefToString (Nix 2.16) are inverse on a canonical reference.
let r = "github:owner/repo/main"; in builtins.flakeRefToString (builtins.parseFlakeRef r) == r

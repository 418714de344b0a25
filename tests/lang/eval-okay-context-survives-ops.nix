let d = derivation { name = "c"; system = "x"; builder = "/bin/sh"; }; s = "pre-${d}-post"; in
map builtins.hasContext [ (builtins.substring 0 3 s) (builtins.substring 0 0 s) (builtins.replaceStrings [ "pre" ] [ "PRE" ] s) (builtins.concatStringsSep "," [ s "x" ]) (toString [ s ]) (builtins.toJSON { inherit s; }) (builtins.head (builtins.split "-" s)) ]

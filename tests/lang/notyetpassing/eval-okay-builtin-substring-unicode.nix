# substring works on bytes.
[ (builtins.substring 0 1 "é") (builtins.stringLength (builtins.substring 0 1 "é")) ]

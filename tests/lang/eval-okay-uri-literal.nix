[ http://example.org/foo?x=1 (builtins.typeOf https://nixos.org) ]

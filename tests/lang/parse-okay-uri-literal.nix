# URI literals (deprecated) are strings.
[ http://example.org/foo?x=1 https://nixos.org mailto:someone@example.org ]

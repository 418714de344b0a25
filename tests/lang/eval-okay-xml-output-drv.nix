[ (derivation (builtins.fromJSON ''{ "name": "x", "system": "x", "builder": "/bin/sh" }'')) ]

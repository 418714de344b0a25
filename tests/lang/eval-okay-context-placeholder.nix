[ (builtins.placeholder "out") (builtins.placeholder "dev") (builtins.hasContext (builtins.placeholder "out")) ]

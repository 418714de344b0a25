# The value is machine-specific: only its type and shape are checked.
[ (builtins.typeOf builtins.currentSystem) (builtins.match ".*-.*" builtins.currentSystem != null) ]

# Unevaluated `builtins.NAME` items print as `<CODE>`, as any selection does.
[ builtins.currentSystem builtins.length (builtins.currentSystem or "x") ]

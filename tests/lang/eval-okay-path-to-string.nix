[ (toString /a/b) "${toString /a/b}" (builtins.typeOf (toString ./x)) ]

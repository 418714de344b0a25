# Interpolations do not count as indentation characters.
let x = "  "; in ''
  ${x}a
    b
''

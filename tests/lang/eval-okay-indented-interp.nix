let x = "X"; multi = "1\n2"; in ''
  start ${x} end
    ${multi}
  tail
''

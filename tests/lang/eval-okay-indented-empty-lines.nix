''
  a

  b
     
  c
''

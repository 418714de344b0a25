# A last line of only spaces is dropped.
''
  a
  b
   ''

builtins.fromTOML ''
  a = "x"
  b.c = 1
  "quoted key" = true
  arr = [ { x = 1 }, { x = 2 } ]
  [[items]]
  name = "one"
  [[items]]
  name = "two"
  literal = 'C:\path'
  multi = """
  line1
  line2"""
  neg = -17
  hex = 0xff
  flt = 6.02e23
''

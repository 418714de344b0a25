# The smallest indentation of non-empty lines is removed.
[ ''
      four
    two
        six
  ''
  ''  one line  ''
  ''
  ''
  ''x''
]

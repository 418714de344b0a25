# Text on the first line counts for indentation; a leading blank first line is dropped.
[ ''first
  second''
  ''

    after blank
  '' ]

/* leading */ let # a
  x /* b */ = /* c */ 1; # d
in # e
  x /* f */ + /* g */ 1 # h

[ (1 + 1) "forced" ]

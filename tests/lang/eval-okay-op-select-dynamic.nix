let s = { foo = 1; "foo bar" = 2; x = { y = 3; }; }; k = "foo"; in [ s.${k} s."foo bar" s.${"x"}.y s."${k} bar" ]

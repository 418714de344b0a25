{ "foo-bar" = 1; "with space" = 2; "1abc" = 3; "a.b" = 4; "x'y" = 5; "${"in"}terp" = 6; }

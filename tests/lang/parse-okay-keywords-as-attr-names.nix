{ "if" = 1; x.or = 2; or = 3; }

# Attributes print sorted by name (bytewise).
{ b = 1; a = 2; B = 3; "_" = 4; "1" = 5; "a b" = 6; "" = 7; "é" = 8; z = 9; }

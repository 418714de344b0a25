# A dynamic attribute whose name is null is omitted.
{ ${null} = 1; b = 2; }

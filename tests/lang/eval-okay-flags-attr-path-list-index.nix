{ list = [ "zero" "one" ]; }

"line\nwith \"quotes\" and é"

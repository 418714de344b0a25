# Set equality compares attribute names before values.
{ a = 1; } == { b = throw "not forced"; }

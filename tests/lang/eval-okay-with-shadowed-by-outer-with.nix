# Only the innermost `with` that HAS the attribute counts.
with { a = 1; b = 2; }; with { c = 3; }; a + b + c

# error: undefined variable 'zzz'
with { a = 1; }; zzz
